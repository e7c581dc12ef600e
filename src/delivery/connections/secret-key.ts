import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SwitchyardError } from '../../core/index.js';

/** Name of the generated key file in the data directory. */
export const SECRET_KEY_FILE = 'delivery-secret.key';

function decodeKey(b64: string, where: string): Buffer {
  const trimmed = b64.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== 32) {
    throw new SwitchyardError('SWY_DELIVERY_CONNECTION_KEY_INVALID', `${where} must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/**
 * The key that seals connection and signing secrets: `delivery.secretKey` when configured;
 * otherwise the key in `<dataDir>/delivery-secret.key`, generated (32 random bytes, base64,
 * file mode 0600) on first use. With an in-memory store (`:memory:`) a fresh key is made and
 * kept nowhere — fine, since the sealed data is not kept either.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured !== undefined) return decodeKey(configured, 'delivery.secretKey');
  if (dataDir === ':memory:') return randomBytes(32);
  const file = path.join(dataDir, SECRET_KEY_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) return decodeKey(text, file);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile: then read theirs.
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return decodeKey(readFileSync(file, 'utf8'), file);
    throw e;
  }
  chmodSync(file, 0o600);
  return key;
}
