import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Violation } from '../../../core/index.js';
import type { Secrets, VerifierKind, WebhookReply } from './types.js';
import { connectionName, fail, header, onlyKeys, safeEqualText, secretOf, tolerance } from './util.js';

const MAX_ENCRYPTED = 4 * 1024 * 1024;

/** `{ "encrypt": "<base64>" }` → the base64 text, else undefined. */
function encryptedField(body: Buffer): string | undefined {
  if (body.length > MAX_ENCRYPTED || !body.includes('"encrypt"')) return undefined;
  try {
    const o = JSON.parse(body.toString('utf8')) as { encrypt?: unknown };
    return typeof o.encrypt === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(o.encrypt) ? o.encrypt : undefined;
  } catch {
    return undefined;
  }
}

function jsonOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const o = JSON.parse(body.toString('utf8')) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? o as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

// ---- Feishu / Lark ----

export interface FeishuConfig {
  /** The app's Encrypt Key (decrypts `encrypt` bodies, checks X-Lark-Signature). */
  readonly connection: string | undefined;
  /** The app's Verification Token (checked against the body's token). */
  readonly tokenConnection: string | undefined;
  readonly toleranceSeconds: number;
}

/** Decrypts a Feishu `encrypt` field: AES-256-CBC, key SHA-256(Encrypt Key), the IV the first 16 bytes. */
export function feishuDecrypt(encrypt: string, encryptKey: string): Buffer | undefined {
  const raw = Buffer.from(encrypt, 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) return undefined;
  try {
    const d = createDecipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), raw.subarray(0, 16));
    return Buffer.concat([d.update(raw.subarray(16)), d.final()]);
  } catch {
    return undefined;
  }
}

/**
 * Feishu / Lark event callbacks (https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/request-url-configuration-case):
 * with an Encrypt Key, `X-Lark-Signature` = hex SHA-256 of timestamp + nonce + key + body (the
 * timestamp within the tolerance) and the body `{ "encrypt" }` is decrypted; with a Verification
 * Token, the body's token (`header.token`, or `token` in schema 1.0) must match. The URL
 * challenge (`type: url_verification`) is answered with `{ "challenge" }`.
 */
export const feishu: VerifierKind<FeishuConfig> = {
  kind: 'feishu',
  check(o, at, out: Violation[]) {
    onlyKeys(o, ['kind', 'connection', 'tokenConnection', 'toleranceSeconds'], at, out);
    const connection = connectionName(o, 'connection', at, out, true);
    const tokenConnection = connectionName(o, 'tokenConnection', at, out, true);
    if (o.connection === undefined && o.tokenConnection === undefined) out.push({ path: at, reason: 'needs connection (the Encrypt Key), tokenConnection (the Verification Token) or both' });
    return { connection, tokenConnection, toleranceSeconds: tolerance(o, at, out) };
  },
  connections: (c) => [c.connection, c.tokenConnection].filter((x): x is string => x !== undefined),
  verify(c, req, secrets, now) {
    const key = c.connection === undefined ? undefined : secretOf(secrets, c.connection);
    const token = c.tokenConnection === undefined ? undefined : secretOf(secrets, c.tokenConnection);
    if ((c.connection !== undefined && key === undefined) || (c.tokenConnection !== undefined && token === undefined)) return fail('a feishu connection is missing or holds no secret');
    let body = req.body;
    let signed = false;
    if (key !== undefined) {
      const enc = encryptedField(req.body);
      if (enc === undefined) return fail('the body is not { "encrypt": … } though the source has an Encrypt Key');
      const ts = header(req.headers, 'x-lark-request-timestamp');
      const nonce = header(req.headers, 'x-lark-request-nonce');
      const sig = header(req.headers, 'x-lark-signature');
      if (ts !== undefined && nonce !== undefined && sig !== undefined) {
        if (!/^\d{1,12}$/.test(ts) || Math.abs(now - Number(ts) * 1000) > c.toleranceSeconds * 1000) return fail(`X-Lark-Request-Timestamp is outside the ${c.toleranceSeconds} s tolerance`);
        const expected = createHash('sha256').update(ts + nonce + key).update(req.body).digest('hex');
        if (!safeEqualText(sig.toLowerCase(), expected)) return fail('X-Lark-Signature does not match');
        signed = true;
      }
      const plain = feishuDecrypt(enc, key);
      if (plain === undefined) return fail('the body does not decrypt with the Encrypt Key');
      body = plain;
    }
    const o = jsonOf(body);
    if (o === undefined) return fail('the (decrypted) body is not a JSON object');
    const given = typeof o.token === 'string' ? o.token : (typeof o.header === 'object' && o.header !== null && typeof (o.header as Record<string, unknown>).token === 'string' ? (o.header as Record<string, string>).token : undefined);
    if (token !== undefined && (given === undefined || !safeEqualText(given, token))) return fail('the Verification Token in the body is missing or wrong');
    if (o.type === 'url_verification' && typeof o.challenge === 'string') {
      return { ok: true, label: 'feishu: url challenge', reply: { status: 200, contentType: 'application/json', body: JSON.stringify({ challenge: o.challenge }) } };
    }
    // An event must be signed when there is an Encrypt Key (Feishu signs every event then).
    if (key !== undefined && !signed) return fail('X-Lark-Request-Timestamp, X-Lark-Request-Nonce and X-Lark-Signature are required');
    return {
      ok: true, label: `feishu: ${[signed ? 'signature' : undefined, token === undefined ? undefined : 'token'].filter((x) => x !== undefined).join(' and ')} verified`,
      ...(body === req.body ? {} : { body }),
      success: { status: 200, contentType: 'application/json', body: '{}' },
    };
  },
};

// ---- DingTalk ----

export interface DingTalkConfig {
  /** The callback Token (signs each request). */
  readonly connection: string;
  /** The callback EncodingAESKey (43 characters). */
  readonly aesKeyConnection: string;
  /** The app key or corp id the messages are for; checked when given. */
  readonly receiveId: string | undefined;
  readonly toleranceSeconds: number;
}

const sha1Sorted = (...parts: string[]): string => createHash('sha1').update([...parts].sort().join('')).digest('hex');

function aesKeyOf(encodingAesKey: string): Buffer | undefined {
  const k = Buffer.from(`${encodingAesKey}=`, 'base64');
  return k.length === 32 ? k : undefined;
}

/** DingTalk's message crypto (the WeChat scheme): AES-256-CBC, IV = key[0..16], PKCS#7 over 32-byte blocks; random(16) | length(4) | message | receiveId. */
export function dingtalkDecrypt(encrypt: string, encodingAesKey: string): { message: Buffer; receiveId: string } | undefined {
  const key = aesKeyOf(encodingAesKey);
  const raw = Buffer.from(encrypt, 'base64');
  if (key === undefined || raw.length === 0 || raw.length % 16 !== 0) return undefined;
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    plain = Buffer.concat([d.update(raw), d.final()]);
  } catch {
    return undefined;
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > 32 || pad > plain.length) return undefined;
  const unpadded = plain.subarray(0, plain.length - pad);
  if (unpadded.length < 20) return undefined;
  const len = unpadded.readUInt32BE(16);
  if (20 + len > unpadded.length) return undefined;
  return { message: unpadded.subarray(20, 20 + len), receiveId: unpadded.subarray(20 + len).toString('utf8') };
}

export function dingtalkEncrypt(message: string, encodingAesKey: string, receiveId: string): string {
  const key = aesKeyOf(encodingAesKey)!;
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(receiveId, 'utf8')]);
  const pad = 32 - (body.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

function dingtalkReply(token: string, aesKey: string, receiveId: string, now: number): WebhookReply {
  const encrypt = dingtalkEncrypt('success', aesKey, receiveId);
  const timeStamp = String(now);
  const nonce = randomBytes(6).toString('hex');
  return { status: 200, contentType: 'application/json', body: JSON.stringify({ msg_signature: sha1Sorted(token, timeStamp, nonce, encrypt), timeStamp, nonce, encrypt }) };
}

/**
 * DingTalk event callbacks (https://open.dingtalk.com/document/orgapp/configure-event-subcription):
 * the query's `signature` = SHA-1 of the sorted token, `timestamp` (ms), `nonce` and the body's
 * `encrypt`; the body decrypted with the EncodingAESKey; answered with the encrypted `success`
 * DingTalk expects (a `check_url` event is answered so and not put).
 */
export const dingtalk: VerifierKind<DingTalkConfig> = {
  kind: 'dingtalk',
  check(o, at, out: Violation[]) {
    onlyKeys(o, ['kind', 'connection', 'aesKeyConnection', 'receiveId', 'toleranceSeconds'], at, out);
    const connection = connectionName(o, 'connection', at, out);
    const aesKeyConnection = connectionName(o, 'aesKeyConnection', at, out);
    if (o.receiveId !== undefined && (typeof o.receiveId !== 'string' || o.receiveId.length === 0 || o.receiveId.length > 128)) out.push({ path: `${at}/receiveId`, reason: 'must be the app key or corp id (1-128 characters)' });
    const toleranceSeconds = tolerance(o, at, out, 3600);
    if (connection === undefined || aesKeyConnection === undefined) return undefined;
    return { connection, aesKeyConnection, receiveId: o.receiveId as string | undefined, toleranceSeconds };
  },
  connections: (c) => [c.connection, c.aesKeyConnection],
  verify(c, req, secrets: Secrets, now) {
    const token = secretOf(secrets, c.connection);
    const aesKey = secretOf(secrets, c.aesKeyConnection);
    if (token === undefined || aesKey === undefined || aesKeyOf(aesKey) === undefined) return fail('a dingtalk connection is missing, or the EncodingAESKey is not 43 base64 characters');
    const { signature, timestamp, nonce } = req.query;
    const enc = encryptedField(req.body);
    if (signature === undefined || timestamp === undefined || nonce === undefined || enc === undefined) return fail('signature, timestamp and nonce (query) and a body { "encrypt": … } are required');
    if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > c.toleranceSeconds * 1000) return fail(`timestamp is outside the ${c.toleranceSeconds} s tolerance`);
    if (!safeEqualText(signature.toLowerCase(), sha1Sorted(token, timestamp, nonce, enc))) return fail('signature does not match');
    const plain = dingtalkDecrypt(enc, aesKey);
    if (plain === undefined) return fail('the body does not decrypt with the EncodingAESKey');
    if (c.receiveId !== undefined && plain.receiveId !== c.receiveId) return fail('the message is for another app (receiveId)');
    const o = jsonOf(plain.message);
    if (o === undefined) return fail('the decrypted message is not a JSON object');
    const success = dingtalkReply(token, aesKey, plain.receiveId, now);
    if (o.EventType === 'check_url') return { ok: true, label: 'dingtalk: url check', reply: success };
    return { ok: true, label: 'dingtalk: signature verified', body: plain.message, success };
  },
};
