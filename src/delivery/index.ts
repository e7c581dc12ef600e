// The delivery layer's public surface: only what other folders use (the server's wiring, the
// API routes, ingest's delivery planner, observe's telemetry and trace, the benchmarks).
export type { BusForwarder, BusPublisher, OutboundMessage, PublishResult, Target } from './target.js';
export { createTarget, targetSettings, type LineSink, type TargetDeps, DEFAULT_LOCK_MS, DEFAULT_MAX_RECEIVES } from './targets/index.js';
export { CONNECTION_KINDS, ConnectionVault, SecretBox } from './connections/index.js';
export { SigningKeyring, signWebhook, type SigningSecretEntry, type SigningSecrets } from './signing/index.js';
export { guardedConnector, findBlocked } from './ssrf/index.js';
export { Dispatcher, groupKey, noDeliveryObserver, parseRuleTargets, payloadSpec, renderPayload, ruleTargets, targetFieldsByKind, targetSpecOf, type BreakerState, type DeliveryObserver, type DeliveryTraceContext, type DispatcherLog, type ObservedDelivery, type RuleTarget, type TargetStatus } from './engine/index.js';
