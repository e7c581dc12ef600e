export * from './errors/index.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { isJsonObject, type JsonValue, type JsonObject } from './json.js';
export type { Service } from './service.js';
export { KeyedLock } from './keyed-lock.js';
export {
  DEFAULT_BUS, SYSTEM_BUS, PROTECTED_BUSES, SYSTEM_BUS_MAX_AGE_MS, HOPS_EXTENSION, MAX_HOPS, PATH_EXTENSION,
  defaultBus, systemBus, assertBusDeletable, type BuiltInBus,
} from './bus-policy.js';
export type {
  TransformSpec, TemplateFormat, TargetLogLevel, RetryPresetName, TargetKindFields, RetrySpec, SharedTargetFields, DeadLetterTarget, RuleTarget,
} from './rule-target.js';
export type { SchemaDialect, CompatibilityMode, ValidationMode, SchemaRecord, SchemaVersionRecord, BusSchemaSettings } from './schema-records.js';
export { NodeSha256 } from './node-sha256.js';
