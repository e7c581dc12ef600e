// @switchyard/client: the public surface.
export { SwitchyardClient, type ClientOptions } from './client.js';
export { cloudEvent, newId } from './event-builder.js';
export { ApiError, NetworkError } from './errors.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export type { TailOptions } from './tail.js';
export type { TransportOptions } from './transport.js';
export { verifyWebhook, webhookIsValid, WebhookVerificationError, type VerifiedWebhook, type VerifyOptions, type WebhookHeaders } from './webhook.js';
export type { paths as OpenApiPaths } from './openapi.js';
export type * from './types.js';
