export { IngestService, type IngestLimits, type PutResult, type EntryResult, type HttpPut, type PutOrigin, type IngestObserver } from './ingest-service.js';
export { noRules, type EventRouter } from './router.js';
export { RuleRouter, type BusMatcher, type DeliveryPlanner } from './rule-router.js';
export { noValidation, type EventValidator, type EventCheck } from './validator.js';
export { followRules } from './router-sync.js';
