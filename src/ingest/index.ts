export { IngestService, type IngestLimits, type PutResult, type EntryResult, type HttpPut, type IngestObserver } from './ingest-service.js';
export { BUS_TARGET_CLIENT, type PutOrigin, type HttpOrigin, type BusTargetOrigin, type SystemOrigin, type ScheduleOrigin, type SourceOrigin, type HttpClient } from './put-origin.js';
export type { PutOutcome, PutOptions } from './put-outcome.js';
export { type EventRouter } from './router.js';
export { RuleRouter, type BusMatcher, type DeliveryPlanner } from './rule-router.js';
export { noValidation, type EventValidator, type EventCheck } from './validator.js';
export { followRules } from './router-sync.js';
