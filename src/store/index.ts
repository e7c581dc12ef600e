export type {
  Retention, BusRecord, BusUpdate, NewBus, AppendItem, AppendOutcome, StoredEvent, EventQuery, EventPage,
  EventLog, BusCatalog, Store, RuleRecord, NewRule, RuleCatalog, Catalog, Housekeeping, Coordination, RateLimits,
} from './types.js';
export { MAX_DEAD_LETTERS_PER_SOURCE } from './source-dead-letter-types.js';
export type { DeadMessage, NewSourceDeadLetter, SourceDeadLetter, SourceDeadLetterPage, SourceDeadLetterStore } from './source-dead-letter-types.js';
export type { ScheduleRecord, NewSchedule, ScheduleCatalog, ScheduleEventTemplate, CatchUpPolicy } from './schedule-types.js';
export type { ConnectionRecord, NewConnection, ConnectionCatalog, StoredSigningSecret } from './connection-types.js';
export { ZERO_SOURCE_COUNTS, type SourceRecord, type NewSource, type SourceCatalog, type SourceCounts, type SourceState } from './source-types.js';
export type { EventSearchQuery, EventOrigin, ObserveIndex, EventDeliveryState, TraceDelivery, TraceAttempt, TargetBacklogRow } from './observe-types.js';
export type {
  DeliveryEnqueue, TargetKey, LeasedDelivery, AttemptRecord, Completion, DeadLetterFilter, DeadLetterSummary, DeadLetter,
  DeadLetterPage, TargetHealth, TargetCounts, DeliveryQueue, DeliveryId, LeaseRef, WorkListener, PullSettlement, PullReceipt,
} from './delivery-types.js';
export { SAMPLE_MAX_CHARS } from './event-type-types.js';
export type { EventTypeRecord, EventTypeBusSummary, EventTypeKey, EventTypeQuery, EventTypePage, EventTypeCatalog } from './event-type-types.js';
export { createStore, type StoreConfig } from './create-store.js';
export { CLEAN_BREAKER, type BreakerBoard, type BreakerRecord, type BreakerSettings, type BreakerChange, type BreakerWrite, type BreakerListener } from './breaker-types.js';
export { LocalBreakerBoard } from './local-breaker-board.js';
export { SqliteStore, DEFAULT_MAX_TYPES_PER_BUS, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { RetentionSweeper } from './retention-sweeper.js';
export { APPEND_WRITER, isStoreUnavailable, type StoreLog, type StoreWrites, type WriteFault } from './write-health.js';
export type {
  SchemaDialect, CompatibilityMode, ValidationMode, SchemaRecord, SchemaVersionRecord, BusSchemaSettings, SchemaCheckRecord, SchemaCatalog,
} from './schema-types.js';
export { ChangeFeed, type CatalogChange, type CatalogListener, type CatalogWatch } from './change-feed.js';
/** Bus policy lives in src/core/bus-policy.ts; re-exported for the store's users. */
export { PROTECTED_BUSES, SYSTEM_BUS } from '../core/index.js';
export { CatalogView, type BusDirectory, type BusEntry, type RuleView } from './catalog-view.js';
export type { ArchiveRecord, NewArchive, ArchiveStats, ArchiveStore } from './archive-types.js';
export type {
  ReplayState, ReplayDestination, NewReplay, ReplayRecord, ReplayDelivery, ReplayStep, ReplayRange, ReplayBound, ReplayQuery, ReplayStore,
} from './replay-types.js';
export type { ConsumerRecord, NewConsumer, ConsumerStore } from './consumer-types.js';
export type {
  TransactionState, TransactionEndedBy, TransactionStep, TransactionRecord, NewTransaction, HeldEvent, HoldOutcome, EndOutcome, TransactionLog,
} from './transaction-types.js';
export { exportDataDir, importFile, importDataDir, type ClusterImportOptions, type ImportReport } from './transfer/index.js';
