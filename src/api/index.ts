export { buildApi, type ApiDeps, type AwsApiSettings } from './build-api.js';
export type { Scope } from './auth.js';
export type { Readiness } from './routes/health.js';
export { clientErrorHandler } from './client-error.js';
export { frameworkErrors, MAX_PATH_SEGMENT } from './problem-handler.js';
