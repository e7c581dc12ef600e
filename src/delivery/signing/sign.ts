import { createHmac } from 'node:crypto';
import { webhookSecretKey } from './webhook-secret.js';

/** The three Standard Webhooks headers. */
export interface WebhookSignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** One `v1,<base64>` signature: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the secret's key. */
export function signatureV1(secret: string, id: string, timestampSeconds: number, body: Uint8Array): string {
  const mac = createHmac('sha256', webhookSecretKey(secret));
  mac.update(`${id}.${timestampSeconds}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/**
 * Signs a webhook per Standard Webhooks. With several secrets (a rotation's overlap period)
 * the signature header lists one signature per secret, space-separated; a receiver accepts
 * the message if any one verifies with the secret it knows.
 *
 * @example
 * const h = signWebhook(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], 'msg_1', 1_700_000_000, body);
 * // h['webhook-signature'] === 'v1,…'
 */
export function signWebhook(secrets: readonly string[], id: string, timestampSeconds: number, body: Uint8Array): WebhookSignatureHeaders {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signatureV1(s, id, timestampSeconds, body)).join(' '),
  };
}
