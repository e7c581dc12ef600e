import type { Store } from '../store/index.js';
import type { SystemEvents } from './system-events.js';

/**
 * Puts a `switchyard.rule.*` system event for each committed rule change, whoever made it (the
 * API, the CLI, another node, a direct store call): `created` or `changed` (with the rule's state
 * as committed) for a put, `deleted` for a delete (a deleted bus's rules included). Follows the
 * catalog's change feed; returns the unsubscribe.
 */
export function publishRuleChanges(store: Pick<Store, 'watch' | 'rules'>, events: Pick<SystemEvents, 'ruleChanged'>): () => void {
  return store.watch((c) => {
    if (c.type !== 'rule') return;
    if (c.op === 'delete') {
      events.ruleChanged('deleted', c.bus, c.name);
      return;
    }
    const rule = store.rules.get(c.bus, c.name);
    // Deleted since: its delete is announced next.
    if (rule === undefined) return;
    events.ruleChanged(c.created ? 'created' : 'changed', c.bus, c.name, { state: rule.state });
  });
}
