import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SwitchyardError } from '../../core/index.js';

const VERSION = 'v1';

/**
 * Seals secrets at rest with AES-256-GCM. Format: `v1.<iv b64>.<tag b64>.<ciphertext b64>`,
 * a fresh 12-byte IV per seal. `context` (e.g. the connection name) is bound as additional
 * authenticated data, so a sealed blob copied to another record fails to open.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new SwitchyardError('SWY_DELIVERY_CONNECTION_KEY_INVALID', 'the delivery secret key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return [VERSION, iv.toString('base64'), c.getAuthTag().toString('base64'), ct.toString('base64')].join('.');
  }

  /** Throws SWY_DELIVERY_CONNECTION_UNREADABLE when the blob was made with another key or altered. */
  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    try {
      if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('unknown sealed format');
      const d = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(parts[1]!, 'base64'));
      d.setAAD(Buffer.from(context, 'utf8'));
      d.setAuthTag(Buffer.from(parts[2]!, 'base64'));
      return Buffer.concat([d.update(Buffer.from(parts[3]!, 'base64')), d.final()]).toString('utf8');
    } catch (cause) {
      throw new SwitchyardError('SWY_DELIVERY_CONNECTION_UNREADABLE', `secrets of "${context}" cannot be decrypted with the configured delivery.secretKey`, { cause });
    }
  }
}
