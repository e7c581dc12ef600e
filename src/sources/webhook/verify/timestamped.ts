import type { Violation } from '../../../core/index.js';
import type { VerifierKind } from './types.js';
import { connectionName, fail, fresh, header, hmac, onlyKeys, safeEqual, secretOf, tolerance } from './util.js';

interface Timed { readonly connection: string; readonly toleranceSeconds: number }

const timed = {
  check(o: Readonly<Record<string, unknown>>, at: string, out: Violation[]): Timed | undefined {
    onlyKeys(o, ['kind', 'connection', 'toleranceSeconds'], at, out);
    const connection = connectionName(o, 'connection', at, out);
    const toleranceSeconds = tolerance(o, at, out);
    return connection === undefined ? undefined : { connection, toleranceSeconds };
  },
  connections: (c: Timed) => [c.connection],
};

/**
 * Standard Webhooks (https://www.standardwebhooks.com/, spec/standard-webhooks.md): `webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (several,
 * space-separated, during a rotation); the secret `whsec_<base64>`.
 */
export const standardWebhooks: VerifierKind<Timed> = {
  kind: 'standard-webhooks',
  ...timed,
  verify(c, req, secrets, now) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return fail(`connection "${c.connection}" is missing or holds no secret`);
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    const id = header(req.headers, 'webhook-id');
    const ts = header(req.headers, 'webhook-timestamp');
    const sigs = header(req.headers, 'webhook-signature');
    if (id === undefined || ts === undefined || sigs === undefined) return fail('webhook-id, webhook-timestamp and webhook-signature are required');
    if (!fresh(ts, now, c.toleranceSeconds)) return fail(`webhook-timestamp is not epoch seconds or is outside the ${c.toleranceSeconds} s tolerance`);
    const expected = hmac('sha256', key, `${id}.${ts}.`, req.body);
    // Bounded: a header is at most 16 KiB, so a few hundred candidates at most.
    for (const part of sigs.split(' ')) {
      if (!part.startsWith('v1,')) continue;
      if (safeEqual(Buffer.from(part.slice(3), 'base64'), expected)) return { ok: true, label: 'standard-webhooks: signature verified' };
    }
    return fail('no v1 signature in webhook-signature matches');
  },
};

/**
 * Stripe (https://docs.stripe.com/webhooks#verify-manually): `Stripe-Signature: t=<ts>,v1=<hex>[,v1=…]`,
 * the HMAC-SHA256 of "t.body" with the endpoint secret (whsec_…) as the key.
 */
export const stripe: VerifierKind<Timed> = {
  kind: 'stripe',
  ...timed,
  verify(c, req, secrets, now) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return fail(`connection "${c.connection}" is missing or holds no secret`);
    const h = header(req.headers, 'stripe-signature');
    if (h === undefined) return fail('Stripe-Signature is missing');
    let t: string | undefined;
    const v1: string[] = [];
    for (const item of h.split(',')) {
      const eq = item.indexOf('=');
      if (eq < 0) continue;
      const k = item.slice(0, eq).trim();
      const v = item.slice(eq + 1).trim();
      if (k === 't') t = v;
      else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
    }
    if (t === undefined || v1.length === 0) return fail('Stripe-Signature has no timestamp (t=) or no v1 signature');
    if (!fresh(t, now, c.toleranceSeconds)) return fail(`the Stripe-Signature timestamp is outside the ${c.toleranceSeconds} s tolerance`);
    const expected = hmac('sha256', secret, `${t}.`, req.body);
    return v1.some((s) => safeEqual(Buffer.from(s, 'hex'), expected)) ? { ok: true, label: 'stripe: signature verified' } : fail('no v1 signature in Stripe-Signature matches');
  },
};

/**
 * Slack (https://api.slack.com/authentication/verifying-requests-from-slack): `X-Slack-Signature:
 * v0=<hex HMAC-SHA256 of "v0:timestamp:body">`, `X-Slack-Request-Timestamp`.
 */
export const slack: VerifierKind<Timed> = {
  kind: 'slack',
  ...timed,
  verify(c, req, secrets, now) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return fail(`connection "${c.connection}" is missing or holds no secret`);
    const ts = header(req.headers, 'x-slack-request-timestamp');
    const sig = header(req.headers, 'x-slack-signature');
    if (ts === undefined || sig === undefined || !/^v0=[0-9a-f]{64}$/.test(sig)) return fail('X-Slack-Request-Timestamp and X-Slack-Signature (v0=<hex>) are required');
    if (!fresh(ts, now, c.toleranceSeconds)) return fail(`X-Slack-Request-Timestamp is outside the ${c.toleranceSeconds} s tolerance`);
    if (!safeEqual(Buffer.from(sig.slice(3), 'hex'), hmac('sha256', secret, `v0:${ts}:`, req.body))) return fail('X-Slack-Signature does not match');
    const challenge = urlVerification(req.body);
    return challenge === undefined
      ? { ok: true, label: 'slack: signature verified' }
      : { ok: true, label: 'slack: signature verified', reply: { status: 200, contentType: 'application/json', body: JSON.stringify({ challenge }) } };
  },
};

/** The challenge of a provider's URL-verification request (`{ "type": "url_verification", "challenge" }`), else undefined. */
export function urlVerification(body: Buffer): string | undefined {
  if (body.length > 4096 || !body.includes('url_verification')) return undefined;
  try {
    const o = JSON.parse(body.toString('utf8')) as { type?: unknown; challenge?: unknown };
    return o.type === 'url_verification' && typeof o.challenge === 'string' && o.challenge.length <= 1024 ? o.challenge : undefined;
  } catch {
    return undefined;
  }
}
