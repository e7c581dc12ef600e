import type { RuleView } from '../store/index.js';
import type { SystemEvents } from './system-events.js';

/**
 * Puts a `switchyard.rule.*` system event for each committed rule change, whoever made it (the
 * API, the CLI, another node, a direct store call): `created` or `changed` (with the rule's state
 * as committed) for a put, `deleted` for a delete (a deleted bus's rules included). Follows the
 * catalog's change feed through the rule view (the store's CatalogView), which has applied each
 * change when it tells of it; returns the unsubscribe. With `leading` (several processes on one
 * store), only while it answers true.
 */
export function publishRuleChanges(view: RuleView, events: Pick<SystemEvents, 'ruleChanged'>, leading: () => boolean = () => true): () => void {
  return view.watch((c) => {
    // Every node of a cluster follows the feed: one of them (the leader) tells of the change.
    if (c.type !== 'rule' || !leading()) return;
    if (c.op === 'delete') {
      events.ruleChanged('deleted', c.bus, c.name);
      return;
    }
    const rule = view.rule(c.bus, c.name);
    // Deleted since: its delete is announced next.
    if (rule === undefined) return;
    events.ruleChanged(c.created ? 'created' : 'changed', c.bus, c.name, { state: rule.state });
  });
}
