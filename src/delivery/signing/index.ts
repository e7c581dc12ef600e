export { signWebhook, signatureV1, type WebhookSignatureHeaders } from './sign.js';
export { generateWebhookSecret, webhookSecretKey, SECRET_PREFIX } from './webhook-secret.js';
export type { SigningSecrets, SigningSecretEntry, TargetRef } from './signing-secrets.js';
export { SigningKeyring } from './keyring.js';
