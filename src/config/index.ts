export { configSchema, type Config, type OtlpSampler } from './schema.js';
export { loadConfig, isLoopback, type LoadConfigOptions } from './load.js';
export { configKeys, envName, type ConfigKey } from './keys.js';
export { renderConfigDoc } from './render-doc.js';
