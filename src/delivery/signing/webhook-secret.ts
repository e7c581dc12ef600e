import { randomBytes } from 'node:crypto';

/** Prefix of a Standard Webhooks secret: `whsec_` followed by the base64 key. */
export const SECRET_PREFIX = 'whsec_';

/** Generates a new signing secret in the Standard Webhooks format (24 random bytes, as Svix does). */
export function generateWebhookSecret(bytes = 24): string {
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/**
 * The HMAC key of a secret. `whsec_<base64>` yields the decoded bytes; a string without the
 * prefix is taken as base64 too (the Standard Webhooks libraries accept both). Throws on a key
 * shorter than 16 bytes or not base64.
 */
export function webhookSecretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error('signing secret must be whsec_ followed by base64');
  const key = Buffer.from(b64, 'base64');
  if (key.length < 16) throw new Error('signing secret must hold at least 16 bytes');
  return key;
}
