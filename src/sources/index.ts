// Public surface of src/sources (DESIGN.md §3, docs/sources.md): event sources as pluggable kinds
// (a registry of kinds, each with its settings check and, for pulling kinds, a start/stop
// lifecycle), the source manager (records, status, counters, health, webhooks), the webhook kind
// with its verifiers, the generic mapping with provider presets, and the CloudEvents webhook
// validation handshake.
export type {
  SourceKind, SourceRun, SourceRunner, SourcePublisher, SourcePutOrigin, SourcePutOutcome, SecretResolver, ConnectionCredentials,
  SourceHealthListener, SourceLog, ConfigCheck, SourceCheckContext,
} from './types.js';
export { SourceKinds } from './registry.js';
export { SourceManager, type SourceManagerOptions, type SourceView, type SourceWebhookRequest, type WebhookAnswer, type SourceMetricsRow } from './source-manager.js';
export { SourceStats, type SourceStatus } from './source-stats.js';
export { checkSourceBody, COMMON_FIELDS, type SourceBody } from './source-spec.js';
export { checkMapping, rawData, mappingFailed, type CompiledMapping, type MappingInput, type MappingContext } from './mapping/mapping.js';
export { presetNames } from './mapping/presets.js';
export { webhookKind, WEBHOOK_KIND, type WebhookConfig } from './webhook/webhook-kind.js';
export { verifierKinds, type WebhookRequest, type WebhookReply, type Verification } from './webhook/verify/index.js';
export { handshake, type HandshakeAnswer } from './webhook/handshake.js';
export { isCloudEventRequest, webhookDocument } from './webhook/webhook-document.js';
export { brokerKinds, type BrokerLimits } from './brokers/index.js';
export {
  Scheduler, type SchedulerDeps, type SchedulerLog, type ScheduleStatus, type ScheduleOrigin, type FirePut, type FireOutcome,
} from './scheduler/scheduler.js';
export { parseSchedule, scheduleWindow, DEFAULT_MAX_CATCH_UP, MAX_FLEXIBLE_WINDOW_MS, type ScheduleBody } from './scheduler/schedule-spec.js';
export { firesAfter, type FireWindow } from './scheduler/fire-times.js';
export { fireEventId } from './scheduler/fire-event.js';
export { MAX_FIRES_PER_PASS } from './scheduler/catch-up.js';
