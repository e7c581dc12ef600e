import { createHmac } from 'node:crypto';
import type { Violation } from '../../../../core/index.js';

/** A generic HMAC header signer: `header: prefix + encode(HMAC(secret, [timestamp "." ] body))`. */
export interface HmacSignerSpec {
  readonly type: 'hmac';
  readonly header: string;
  readonly algorithm: 'sha1' | 'sha256' | 'sha512';
  readonly encoding: 'hex' | 'base64';
  readonly prefix: string;
  /** When set, the Unix time in seconds goes in this header and is signed before the body (`<ts>.<body>`). */
  readonly timestampHeader?: string;
}

export interface SigV4SignerSpec {
  readonly type: 'sigv4';
  readonly region: string;
  readonly service: string;
}

export type SignerSpec = HmacSignerSpec | SigV4SignerSpec;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers a signer may not write: framing and the ones Switchyard owns. */
const RESERVED = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);

export function checkSignerSpec(v: unknown, path: string, out: Violation[]): void {
  const at = `${path}/signer`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push({ path: at, reason: 'must be { "type": "sigv4", "region", "service" } or { "type": "hmac", "header", … }' });
    return;
  }
  const s = v as Record<string, unknown>;
  const allowed = s.type === 'sigv4' ? ['type', 'region', 'service'] : s.type === 'hmac' ? ['type', 'header', 'algorithm', 'encoding', 'prefix', 'timestampHeader'] : undefined;
  if (allowed === undefined) {
    out.push({ path: `${at}/type`, reason: 'must be "sigv4" or "hmac"' });
    return;
  }
  for (const k of Object.keys(s)) if (!allowed.includes(k)) out.push({ path: `${at}/${k}`, reason: 'unknown field' });
  if (s.type === 'sigv4') {
    if (typeof s.region !== 'string' || !/^[a-z0-9-]{1,32}$/.test(s.region)) out.push({ path: `${at}/region`, reason: 'must be an AWS region name (e.g. us-east-1)' });
    if (typeof s.service !== 'string' || !/^[a-z0-9-]{1,64}$/.test(s.service)) out.push({ path: `${at}/service`, reason: 'must be an AWS service signing name (e.g. execute-api, sns, sqs, lambda)' });
    return;
  }
  for (const f of ['header', 'timestampHeader'] as const) {
    const h = s[f];
    if (h === undefined && f === 'timestampHeader') continue;
    if (typeof h !== 'string' || !TOKEN.test(h)) out.push({ path: `${at}/${f}`, reason: 'must be a header name' });
    else if (RESERVED.has(h.toLowerCase()) || h.toLowerCase().startsWith('ce-')) out.push({ path: `${at}/${f}`, reason: 'is set by Switchyard and may not be used' });
  }
  if (s.algorithm !== undefined && !['sha1', 'sha256', 'sha512'].includes(s.algorithm as string)) out.push({ path: `${at}/algorithm`, reason: 'must be "sha256", "sha512" or "sha1"' });
  if (s.encoding !== undefined && s.encoding !== 'hex' && s.encoding !== 'base64') out.push({ path: `${at}/encoding`, reason: 'must be "hex" or "base64"' });
  if (s.prefix !== undefined && (typeof s.prefix !== 'string' || s.prefix.length > 64 || /[\r\n\0]/.test(s.prefix))) out.push({ path: `${at}/prefix`, reason: 'must be a string of at most 64 characters without CR, LF or NUL' });
}

export function signerSpecOf(v: Record<string, unknown>): SignerSpec {
  if (v.type === 'sigv4') return { type: 'sigv4', region: v.region as string, service: v.service as string };
  return {
    type: 'hmac', header: (v.header as string).toLowerCase(), algorithm: (v.algorithm as HmacSignerSpec['algorithm'] | undefined) ?? 'sha256',
    encoding: (v.encoding as HmacSignerSpec['encoding'] | undefined) ?? 'hex', prefix: (v.prefix as string | undefined) ?? '',
    ...(typeof v.timestampHeader === 'string' ? { timestampHeader: v.timestampHeader.toLowerCase() } : {}),
  };
}

/** The headers the generic HMAC signer adds to a request with `body`. */
export function hmacHeaders(spec: HmacSignerSpec, secret: string, body: Buffer, nowMs: number): Record<string, string> {
  const h = createHmac(spec.algorithm, secret);
  const out: Record<string, string> = {};
  if (spec.timestampHeader !== undefined) {
    const ts = String(Math.floor(nowMs / 1000));
    out[spec.timestampHeader] = ts;
    h.update(`${ts}.`, 'utf8');
  }
  h.update(body);
  out[spec.header] = `${spec.prefix}${h.digest(spec.encoding)}`;
  return out;
}
