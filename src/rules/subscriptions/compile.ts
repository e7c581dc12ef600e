import { compileFilter } from './evaluate.js';
import type { SubscriptionFilter } from './types.js';
import { validateSubscriptionFilters, type SubscriptionFilterOptions } from './validate.js';

/** A compiled `filters` array. Immutable; safe to share between evaluations. */
export interface SubscriptionFilterSet {
  /** The validated filters. */
  readonly filters: readonly SubscriptionFilter[];
  /** Every attribute name the filters read (exact/prefix/suffix keys and CESQL references), sorted. */
  readonly attributes: readonly string[];
  /** True when every filter passes; an empty array passes every event (spec §3.2.1 `filters`). */
  evaluate(event: Readonly<Record<string, unknown>>): boolean;
}

/**
 * Validates and compiles a CloudEvents Subscriptions API `filters` array. Throws
 * SWY_RULES_SUBSCRIPTION_FILTER_INVALID, one violation per problem, for malformed input.
 *
 * @example
 * const set = compileSubscriptionFilters([{ prefix: { type: 'com.github.' } }, { not: { exact: { subject: 'x' } } }]);
 * set.evaluate({ specversion: '1.0', id: '1', source: '/gh', type: 'com.github.push' }); // true
 */
export function compileSubscriptionFilters(filters: unknown, options: SubscriptionFilterOptions = {}): SubscriptionFilterSet {
  const validated = validateSubscriptionFilters(filters, options);
  const predicates = validated.map(compileFilter);
  return Object.freeze({
    filters: Object.freeze(validated),
    attributes: Object.freeze(collectAttributes(validated)),
    evaluate: (event: Readonly<Record<string, unknown>>) => predicates.every((p) => p(event)),
  });
}

function collectAttributes(filters: readonly SubscriptionFilter[]): string[] {
  const names = new Set<string>();
  const walk = (f: SubscriptionFilter): void => {
    switch (f.dialect) {
      case 'exact':
      case 'prefix':
      case 'suffix':
        f.attributes.forEach((c) => names.add(c.name));
        break;
      case 'all':
      case 'any':
        f.filters.forEach(walk);
        break;
      case 'not':
        walk(f.filter);
        break;
      case 'sql':
        f.expression.attributes.forEach((n) => names.add(n));
        break;
    }
  };
  filters.forEach(walk);
  return [...names].sort();
}
