import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Violation } from '../../../core/index.js';
import type { Secrets, Verification } from './types.js';

/** Constant-time equality of two byte strings (a length difference returns early: lengths are not secret). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two texts (UTF-8). */
export function safeEqualText(a: string, b: string): boolean {
  return safeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function hmac(algorithm: string, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac(algorithm, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The first value of a header (a repeated header is refused by the verifier reading it). */
export function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  if (Array.isArray(v)) return v.length === 1 ? v[0] : undefined;
  return v;
}

export const fail = (reason: string): Verification => ({ ok: false, reason });

/** The secret a connection holds for verifying: an hmac connection's `secret` or an apiKey's `value`. */
export function secretOf(secrets: Secrets, connection: string): string | undefined {
  const c = secrets.get(connection);
  if (c === undefined) return undefined;
  const v = c.kind === 'hmac' ? c.secret : c.kind === 'apiKey' ? c.value : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function connectionName(o: Readonly<Record<string, unknown>>, key: string, at: string, out: Violation[], optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v)) {
    out.push({ path: `${at}/${key}`, reason: 'must name a connection (its secret verifies the requests)' });
    return undefined;
  }
  return v;
}

export function tolerance(o: Readonly<Record<string, unknown>>, at: string, out: Violation[], dflt = 300): number {
  const v = o.toleranceSeconds;
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 86_400) {
    out.push({ path: `${at}/toleranceSeconds`, reason: 'must be an integer from 1 to 86400' });
    return dflt;
  }
  return v;
}

/** Whether a timestamp in epoch seconds is within `toleranceSeconds` of now (either side). */
export function fresh(seconds: string | undefined, now: number, toleranceSeconds: number): boolean {
  if (seconds === undefined || !/^\d{1,12}$/.test(seconds)) return false;
  return Math.abs(now - Number(seconds) * 1000) <= toleranceSeconds * 1000;
}

export function onlyKeys(o: Readonly<Record<string, unknown>>, keys: readonly string[], at: string, out: Violation[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) out.push({ path: `${at}/${k}`, reason: `unknown property "${k}"` });
}
