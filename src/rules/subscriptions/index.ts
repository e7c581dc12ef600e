// Public surface of src/rules/subscriptions: CloudEvents Subscriptions API filters (docs/cesql.md).
export { compileSubscriptionFilters, type SubscriptionFilterSet } from './compile.js';
export { validateSubscriptionFilters, MAX_SUBSCRIPTION_FILTER_DEPTH, type SubscriptionFilterOptions } from './validate.js';
export { compileFilter as compileSubscriptionFilter, type EventPredicate } from './evaluate.js';
export { SUBSCRIPTION_DIALECTS, type SubscriptionFilter, type SubscriptionDialect, type AttributeCondition } from './types.js';
