export * from './errors/index.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { isJsonObject, type JsonValue, type JsonObject } from './json.js';
export type { Service } from './service.js';
export { uuidGenerator, type IdGenerator } from './ids.js';
