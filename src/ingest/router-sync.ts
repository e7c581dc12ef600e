import type { RuleRecord, Store } from '../store/index.js';
import type { RuleRouter } from './rule-router.js';

/**
 * Keeps the router in step with the catalog: loads every rule, then follows the change feed, so
 * a rule saved by any path (the API, the CLI, another node, a direct store call) routes the next
 * put. A rule whose filter no longer compiles is left out of routing and reported to `onError`
 * (the API validates filters before saving, so only a write that bypassed it can cause this).
 * Returns the unsubscribe.
 */
export function followRules(router: RuleRouter, store: Pick<Store, 'watch' | 'rules'>, onError: (err: unknown, rule: RuleRecord) => void): () => void {
  const install = (rule: RuleRecord): void => {
    try {
      router.set(rule);
    } catch (err) {
      router.remove(rule.bus, rule.name);
      onError(err, rule);
    }
  };
  // Subscribed before the load: a change committed meanwhile is applied (again) after it.
  const unwatch = store.watch((c) => {
    if (c.type === 'bus' && c.op === 'delete') router.dropBus(c.bus);
    if (c.type !== 'rule') return;
    // The feed names the rule; the catalog has its committed state (undefined: deleted since).
    const rule = c.op === 'put' ? store.rules.get(c.bus, c.name) : undefined;
    if (rule === undefined) router.remove(c.bus, c.name);
    else install(rule);
  });
  for (const rule of store.rules.list()) install(rule);
  return unwatch;
}
