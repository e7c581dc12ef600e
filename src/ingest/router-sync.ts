import type { RuleRecord, RuleView } from '../store/index.js';
import type { RuleRouter } from './rule-router.js';

/**
 * Keeps the router in step with the catalog: loads every rule of the view (the store's
 * CatalogView), then follows its feed, so a rule saved by any path (the API, the CLI, another
 * node, a direct store call) routes the next put once the view has it. A rule whose filter no
 * longer compiles is left out of routing and reported to `onError`
 * (the API validates filters before saving, so only a write that bypassed it can cause this).
 * Returns the unsubscribe.
 */
export function followRules(router: RuleRouter, view: RuleView, onError: (err: unknown, rule: RuleRecord) => void): () => void {
  const install = (rule: RuleRecord): void => {
    try {
      router.set(rule);
    } catch (err) {
      router.remove(rule.bus, rule.name);
      onError(err, rule);
    }
  };
  // Subscribed before the load: a change committed meanwhile is applied (again) after it.
  const unwatch = view.watch((c) => {
    if (c.type === 'bus' && c.op === 'delete') router.dropBus(c.bus);
    if (c.type !== 'rule') return;
    // The feed names the rule; the view has its committed state (undefined: deleted since).
    const rule = c.op === 'put' ? view.rule(c.bus, c.name) : undefined;
    if (rule === undefined) router.remove(c.bus, c.name);
    else install(rule);
  });
  for (const rule of view.rules()) install(rule);
  return unwatch;
}
