import type { Violation } from '../../../core/index.js';
import type { VerifierKind } from './types.js';
import { connectionName, fail, fresh, header, hmac, onlyKeys, safeEqual, safeEqualText, secretOf, tolerance } from './util.js';

interface Conn { readonly connection: string }

function connOnly(): Pick<VerifierKind<Conn>, 'check' | 'connections'> {
  return {
    check(o, at, out) {
      onlyKeys(o, ['kind', 'connection'], at, out);
      const connection = connectionName(o, 'connection', at, out);
      return connection === undefined ? undefined : { connection };
    },
    connections: (c) => [c.connection],
  };
}

const noSecret = (c: Conn): ReturnType<VerifierKind['verify']> => fail(`connection "${c.connection}" is missing or holds no secret`);

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` (https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries). */
export const github: VerifierKind<Conn> = {
  kind: 'github',
  ...connOnly(),
  verify(c, req, secrets) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return noSecret(c);
    const sig = header(req.headers, 'x-hub-signature-256');
    if (sig === undefined || !/^sha256=[0-9a-fA-F]{64}$/.test(sig)) return fail('X-Hub-Signature-256 is missing or not sha256=<64 hex digits>');
    const ok = safeEqual(Buffer.from(sig.slice(7).toLowerCase(), 'hex'), hmac('sha256', secret, req.body));
    return ok ? { ok: true, label: 'github: signature verified' } : fail('X-Hub-Signature-256 does not match the body');
  },
};

/** Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`. */
export const shopify: VerifierKind<Conn> = {
  kind: 'shopify',
  ...connOnly(),
  verify(c, req, secrets) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return noSecret(c);
    const sig = header(req.headers, 'x-shopify-hmac-sha256');
    if (sig === undefined || !/^[A-Za-z0-9+/]{43}=$/.test(sig)) return fail('X-Shopify-Hmac-Sha256 is missing or not a base64 SHA-256 digest');
    return safeEqual(Buffer.from(sig, 'base64'), hmac('sha256', secret, req.body)) ? { ok: true, label: 'shopify: signature verified' } : fail('X-Shopify-Hmac-Sha256 does not match the body');
  },
};

/** GitLab: the secret token in `X-Gitlab-Token`. */
export const gitlab: VerifierKind<Conn> = {
  kind: 'gitlab',
  ...connOnly(),
  verify(c, req, secrets) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return noSecret(c);
    const token = header(req.headers, 'x-gitlab-token');
    if (token === undefined) return fail('X-Gitlab-Token is missing');
    return safeEqualText(token, secret) ? { ok: true, label: 'gitlab: token verified' } : fail('X-Gitlab-Token is wrong');
  },
};

/** `Authorization: Bearer <token>`; the token is an hmac connection's secret or an apiKey connection's value. */
export const bearer: VerifierKind<Conn> = {
  kind: 'bearer',
  ...connOnly(),
  verify(c, req, secrets) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return noSecret(c);
    const m = /^Bearer +(\S+) *$/i.exec(header(req.headers, 'authorization') ?? '');
    if (m === null) return fail('Authorization: Bearer <token> is missing');
    return safeEqualText(m[1]!, secret) ? { ok: true, label: 'bearer: token verified' } : fail('the bearer token is wrong');
  },
};

/** `Authorization: Basic …` against a basic connection's username and password. */
export const basic: VerifierKind<Conn> = {
  kind: 'basic',
  ...connOnly(),
  verify(c, req, secrets) {
    const conn = secrets.get(c.connection);
    if (conn === undefined || conn.kind !== 'basic' || typeof conn.username !== 'string' || typeof conn.password !== 'string') return fail(`connection "${c.connection}" is missing or not a basic connection`);
    const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header(req.headers, 'authorization') ?? '');
    if (m === null) return fail('Authorization: Basic … is missing');
    const given = Buffer.from(m[1]!, 'base64');
    const expected = Buffer.from(`${conn.username}:${conn.password}`, 'utf8');
    return safeEqual(given, expected) ? { ok: true, label: 'basic: credentials verified' } : fail('the basic credentials are wrong');
  },
};

export interface HmacConfig {
  readonly connection: string;
  readonly header: string;
  readonly algorithm: 'sha1' | 'sha256' | 'sha512';
  readonly encoding: 'hex' | 'base64';
  readonly prefix: string;
  /** What is signed: `{body}` and `{timestamp}` stand for the raw body and the timestamp header's value. */
  readonly signed: string;
  readonly timestampHeader: string | undefined;
  readonly toleranceSeconds: number;
}

const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** Generic HMAC: header, algorithm, hex or base64, an optional prefix, what is signed, an optional timestamp header with a tolerance. */
export const genericHmac: VerifierKind<HmacConfig> = {
  kind: 'hmac',
  check(o, at, out: Violation[]) {
    onlyKeys(o, ['kind', 'connection', 'header', 'algorithm', 'encoding', 'prefix', 'signed', 'timestampHeader', 'toleranceSeconds'], at, out);
    const connection = connectionName(o, 'connection', at, out);
    const h = o.header;
    if (typeof h !== 'string' || !HEADER.test(h)) out.push({ path: `${at}/header`, reason: 'must be a header name' });
    const algorithm = o.algorithm ?? 'sha256';
    if (algorithm !== 'sha1' && algorithm !== 'sha256' && algorithm !== 'sha512') out.push({ path: `${at}/algorithm`, reason: 'must be sha1, sha256 or sha512' });
    const encoding = o.encoding ?? 'hex';
    if (encoding !== 'hex' && encoding !== 'base64') out.push({ path: `${at}/encoding`, reason: 'must be hex or base64' });
    const prefix = o.prefix ?? '';
    if (typeof prefix !== 'string' || prefix.length > 64) out.push({ path: `${at}/prefix`, reason: 'must be a string of at most 64 characters' });
    const signed = o.signed ?? '{body}';
    if (typeof signed !== 'string' || signed.length > 256 || !signed.includes('{body}')) out.push({ path: `${at}/signed`, reason: 'must be a text of at most 256 characters holding {body} (and {timestamp} with a timestampHeader)' });
    const th = o.timestampHeader;
    if (th !== undefined && (typeof th !== 'string' || !HEADER.test(th))) out.push({ path: `${at}/timestampHeader`, reason: 'must be a header name' });
    if (typeof signed === 'string' && signed.includes('{timestamp}') && th === undefined) out.push({ path: `${at}/signed`, reason: '{timestamp} needs a timestampHeader' });
    const tol = tolerance(o, at, out);
    if (connection === undefined || out.length > 0) return undefined;
    return {
      connection, header: (h as string).toLowerCase(), algorithm: algorithm as HmacConfig['algorithm'], encoding: encoding as HmacConfig['encoding'],
      prefix: prefix as string, signed: signed as string, timestampHeader: (th as string | undefined)?.toLowerCase(), toleranceSeconds: tol,
    };
  },
  connections: (c) => [c.connection],
  verify(c, req, secrets, now) {
    const secret = secretOf(secrets, c.connection);
    if (secret === undefined) return noSecret(c);
    const sig = header(req.headers, c.header);
    if (sig === undefined || !sig.startsWith(c.prefix)) return fail(`${c.header} is missing${c.prefix === '' ? '' : ` or does not start with "${c.prefix}"`}`);
    let ts = '';
    if (c.timestampHeader !== undefined) {
      const t = header(req.headers, c.timestampHeader);
      if (!fresh(t, now, c.toleranceSeconds)) return fail(`${c.timestampHeader} is missing, not epoch seconds, or outside the ${c.toleranceSeconds} s tolerance`);
      ts = t!;
    }
    const [before, after] = splitOnce(c.signed.replaceAll('{timestamp}', ts), '{body}');
    const digest = hmac(c.algorithm, secret, before, req.body, after);
    const given = sig.slice(c.prefix.length).trim();
    const bytes = c.encoding === 'hex' ? (/^[0-9a-fA-F]+$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0)) : Buffer.from(given, 'base64');
    return safeEqual(bytes, digest) ? { ok: true, label: `hmac: ${c.header} verified` } : fail(`${c.header} does not match the body`);
  },
};

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + sep.length)];
}

/** No verification: allowed only while the server listens on loopback, and only for loopback senders. */
export const none: VerifierKind<Record<string, never>> = {
  kind: 'none',
  check(o, at, out) {
    onlyKeys(o, ['kind'], at, out);
    return {};
  },
  connections: () => [],
  verify(_c, req) {
    return req.loopback ? { ok: true, label: 'none: loopback sender, not verified' } : fail('this source has no verification: it takes requests from the loopback interface only');
  },
};
