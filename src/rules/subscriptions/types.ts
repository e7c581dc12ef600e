import type { CesqlExpression } from '../cesql/index.js';

/**
 * A validated CloudEvents Subscriptions API filter (subscriptions spec §3.2.4.1), tagged by
 * dialect. Produced only by validateSubscriptionFilters, so holders may trust:
 * - `attributes` of exact/prefix/suffix is non-empty; every name is a CloudEvents attribute name
 *   (lower-case letters and digits, not `data`) and every value a non-empty string;
 * - `all` / `any` hold at least one filter;
 * - `sql` holds an expression that parsed and whose every function call resolves.
 */
export type SubscriptionFilter =
  | { readonly dialect: 'exact' | 'prefix' | 'suffix'; readonly attributes: readonly AttributeCondition[] }
  | { readonly dialect: 'all' | 'any'; readonly filters: readonly SubscriptionFilter[] }
  | { readonly dialect: 'not'; readonly filter: SubscriptionFilter }
  | { readonly dialect: 'sql'; readonly expression: CesqlExpression };

export interface AttributeCondition {
  readonly name: string;
  readonly value: string;
}

export type SubscriptionDialect = SubscriptionFilter['dialect'];

/** The dialects this implementation supports: the six mandatory ones and the optional `sql`. */
export const SUBSCRIPTION_DIALECTS: readonly SubscriptionDialect[] = ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'sql'];
