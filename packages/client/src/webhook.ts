// Verifies Standard Webhooks signatures (docs/webhook-signing.md) with Web Crypto only, so it
// runs in Node >= 20, browsers, Deno and edge runtimes alike.

/** Header values as Node (lower-case record), Fetch (`Headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Largest difference between the message's timestamp and now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** The current time in Unix seconds (default: the clock). */
  readonly nowSeconds?: number;
}

/** Why a message was refused; `verifyWebhook` throws it, `webhookIsValid` answers false. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly reason: 'missing-header' | 'bad-timestamp' | 'too-old' | 'too-new' | 'no-match' | 'bad-secret';

  constructor(reason: WebhookVerificationError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The message a receiver got, once verified: its id (dedupe on it) and timestamp. */
export interface VerifiedWebhook {
  readonly id: string;
  readonly timestamp: number;
}

function header(h: WebhookHeaders, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const rec = h as Record<string, string | string[] | undefined>;
  const v = rec[name] ?? Object.entries(rec).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? v.join(' ') : v;
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** Compares in time that depends on the length only, not on where the bytes differ. */
function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

async function hmac(secret: string, id: string, timestamp: string, body: Uint8Array): Promise<Uint8Array> {
  const key = base64ToBytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (key === undefined || key.length < 16) throw new WebhookVerificationError('bad-secret', 'a signing secret must be whsec_ followed by base64 of at least 16 bytes');
  const k = await globalThis.crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', k, signed));
}

/**
 * Verifies a webhook Switchyard delivered: the `webhook-signature` must hold a `v1,` signature
 * made with one of `secrets` (give every secret you accept during a rotation) over
 * `<webhook-id>.<webhook-timestamp>.<body>`, and the timestamp must be within the tolerance
 * (5 minutes by default) — replay protection. `body` is the raw body, before any parsing.
 * Resolves with the message id and timestamp; rejects with {@link WebhookVerificationError}.
 *
 * @example
 * const { id } = await verifyWebhook(request.headers, await request.text(), [process.env.SECRET!]);
 */
export async function verifyWebhook(headers: WebhookHeaders, body: string | Uint8Array, secrets: string | readonly string[], opts: VerifyOptions = {}): Promise<VerifiedWebhook> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined || id === '' || signatures === '') {
    throw new WebhookVerificationError('missing-header', 'webhook-id, webhook-timestamp and webhook-signature are required');
  }
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('bad-timestamp', 'webhook-timestamp must be Unix seconds');
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = opts.toleranceSeconds ?? 300;
  const ts = Number(timestamp);
  if (now - ts > tolerance) throw new WebhookVerificationError('too-old', 'the message timestamp is too old');
  if (ts - now > tolerance) throw new WebhookVerificationError('too-new', 'the message timestamp is in the future');
  const bytes: Uint8Array = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const given = signatures.split(' ').flatMap((s) => {
    const comma = s.indexOf(',');
    if (comma < 0 || s.slice(0, comma) !== 'v1') return [];
    const sig = base64ToBytes(s.slice(comma + 1));
    return sig === undefined ? [] : [sig];
  });
  let ok = false;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = await hmac(secret, id, timestamp, bytes);
    // Every signature is compared, also after a match: the time does not tell which one matched.
    for (const sig of given) ok = equalConstantTime(sig, expected) || ok;
  }
  if (!ok) throw new WebhookVerificationError('no-match', 'no signature matches a known secret');
  return { id, timestamp: ts };
}

/** `verifyWebhook` as a boolean: true when the message verifies. A bad secret still throws. */
export async function webhookIsValid(headers: WebhookHeaders, body: string | Uint8Array, secrets: string | readonly string[], opts: VerifyOptions = {}): Promise<boolean> {
  try {
    await verifyWebhook(headers, body, secrets, opts);
    return true;
  } catch (e) {
    if (e instanceof WebhookVerificationError && e.reason !== 'bad-secret') return false;
    throw e;
  }
}
