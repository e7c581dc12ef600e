export type {
  Retention, BusRecord, BusUpdate, NewBus, AppendItem, AppendOutcome, StoredEvent, EventQuery, EventPage,
  EventLog, BusCatalog, Store, RuleRecord, NewRule, RuleCatalog, Catalog, Housekeeping, Coordination, RateLimits,
} from './types.js';
export type { ConnectionRecord, NewConnection, ConnectionCatalog, StoredSigningSecret } from './connection-types.js';
export type { EventSearchQuery, EventOrigin, ObserveIndex, EventDeliveryState, TraceDelivery, TraceAttempt, TargetBacklogRow } from './observe-types.js';
export type {
  DeliveryEnqueue, TargetKey, LeasedDelivery, AttemptRecord, Completion, DeadLetterFilter, DeadLetterSummary, DeadLetter,
  DeadLetterPage, TargetHealth, TargetCounts, DeliveryQueue, DeliveryId, LeaseRef, WorkListener,
} from './delivery-types.js';
export { SAMPLE_MAX_CHARS } from './event-type-types.js';
export type { EventTypeRecord, EventTypeBusSummary, EventTypeKey, EventTypeQuery, EventTypePage, EventTypeCatalog } from './event-type-types.js';
export { createStore, type StoreConfig } from './create-store.js';
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
