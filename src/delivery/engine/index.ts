export { Dispatcher, type DispatcherDeps, type DispatcherOptions, type DispatcherLog, type TargetStatus } from './dispatcher.js';
export {
  validateTargets, resolveTargetSpec, targetFieldsByKind, resolveRetry, MAX_TARGETS, DEAD_LETTER_SUFFIX, type EngineTargetSpec, type EngineDefaults,
} from './target-spec.js';
export {
  decideRetry, shouldRetry, retryDelay, DEFAULT_POLICY, RETRY_PRESETS, DEFAULT_NON_RETRYABLE, MAX_ATTEMPTS,
  type RetryPolicy, type RetrySchedule, type RetryDecision,
} from './retry-policy.js';
export { groupKey } from './group-key.js';
export { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
export { TokenBucket } from './token-bucket.js';
export { noDeliveryObserver, type DeliveryObserver, type ObservedDelivery, type DeliveryTraceContext } from './delivery-observer.js';
export { renderPayload, payloadSpec, type Prepared, type PayloadSpec, type RenderedEvent, type RenderContext } from './render-payload.js';
export {
  parseRuleTargets, ruleTargets, targetSpecOf, type RuleTarget, type DeadLetterTarget, type TargetSpec, type TargetKindFields, type RetrySpec, type ParsedTargets,
} from './rule-target.js';
