import type { Violation } from '../../../core/index.js';
import { checkDynamicParts, DynamicRequest, isDynamic, urlForChecks } from './dynamic-request.js';
import { CHAT_PRESETS, type ChatPreset } from './chat-presets.js';
import { checkSignerSpec, signerSpecOf, type SignerSpec } from './signing/hmac-signer.js';
import { checkReplySpec, type ReplySpec } from './reply.js';
import { checkHandshakeSpec, handshakeSpecOf, type HandshakeSpec } from './handshake.js';

/** The kind-specific fields of an http target, validated and with defaults applied. */
export interface HttpTargetSpec {
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly headers: Readonly<Record<string, string>>;
  /** How a CloudEvent is put on the wire (raw outbounds are always sent as their body). */
  readonly mode: 'binary' | 'structured';
  /** The body of several messages: a CloudEvents batch, or a plain JSON array. */
  readonly batchFormat: 'cloudevents' | 'json';
  readonly timeoutMs: number;
  /** Name of a connection (basic, apiKey, oauth2) that authorizes the requests. */
  readonly connection?: string;
  /** The templated path, query parameters and header values, when the target has any. */
  readonly dynamic?: DynamicRequest;
  /** A chat platform: its message format, its signature, its answers. */
  readonly preset?: ChatPreset;
  /** Signs every request (SigV4, or an HMAC header) with the connection's secret. */
  readonly signer?: SignerSpec;
  /** Puts a 2xx CloudEvent response on this bus (Knative reply semantics). */
  readonly reply?: ReplySpec;
  /** The CloudEvents webhook validation handshake before the first delivery to each URL (handshake.ts). */
  readonly handshake?: HandshakeSpec;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 60_000;

/** Headers a target may not set: framing, hop-by-hop, and the ones Switchyard owns. */
const RESERVED_HEADERS = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'keep-alive', 'trailer',
  'content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The fields of an http target (besides the engine's generic ones). */
export const HTTP_FIELDS = ['url', 'method', 'headers', 'mode', 'batchFormat', 'timeoutMs', 'connection', 'query', 'variables', 'preset', 'signer', 'reply', 'handshake'] as const;

/** Checks the http fields of `t` (an object), appending one violation per problem. */
export function checkHttpSpec(t: Readonly<Record<string, unknown>>, path: string, out: Violation[]): void {
  const { method, headers, mode, batchFormat, timeoutMs, connection } = t;
  const url = typeof t.url === 'string' ? urlForChecks(t.url) : t.url;
  if (typeof url !== 'string') out.push({ path: `${path}/url`, reason: 'must be an absolute http or https URL' });
  else {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      out.push({ path: `${path}/url`, reason: 'must be an absolute http or https URL' });
    }
    if (u !== undefined) {
      if (u.protocol !== 'http:' && u.protocol !== 'https:') out.push({ path: `${path}/url`, reason: 'scheme must be http or https' });
      if (u.username !== '' || u.password !== '') out.push({ path: `${path}/url`, reason: 'must not carry credentials; use a connection' });
    }
  }
  if (method !== undefined && method !== 'POST' && method !== 'PUT' && method !== 'PATCH') out.push({ path: `${path}/method`, reason: 'must be POST, PUT or PATCH' });
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) out.push({ path: `${path}/headers`, reason: 'must be an object of header name → string value' });
    else {
      for (const [name, value] of Object.entries(headers)) {
        const at = `${path}/headers/${name}`;
        if (!TOKEN.test(name)) out.push({ path: at, reason: 'is not a valid header name' });
        else if (RESERVED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('ce-')) out.push({ path: at, reason: 'is set by Switchyard and may not be configured' });
        if (typeof value !== 'string') out.push({ path: at, reason: 'must be a string' });
        else if (/[\r\n\0]/.test(value)) out.push({ path: at, reason: 'must not contain CR, LF or NUL' });
      }
    }
  }
  if (mode !== undefined && mode !== 'binary' && mode !== 'structured') out.push({ path: `${path}/mode`, reason: 'must be "binary" or "structured"' });
  if (batchFormat !== undefined && batchFormat !== 'cloudevents' && batchFormat !== 'json') out.push({ path: `${path}/batchFormat`, reason: 'must be "cloudevents" or "json"' });
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 1 || (timeoutMs as number) > MAX_TIMEOUT_MS)) {
    out.push({ path: `${path}/timeoutMs`, reason: `must be an integer from 1 to ${MAX_TIMEOUT_MS}` });
  }
  if (connection !== undefined && (typeof connection !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(connection))) {
    out.push({ path: `${path}/connection`, reason: 'must be a connection name' });
  }
  checkDynamicParts(t, path, out);
  if (t.preset !== undefined) {
    if (typeof t.preset !== 'string' || !(CHAT_PRESETS as readonly string[]).includes(t.preset)) out.push({ path: `${path}/preset`, reason: `must be one of ${CHAT_PRESETS.join(', ')}` });
    if (t.batch !== undefined) out.push({ path: `${path}/batch`, reason: 'a chat preset posts one message per request' });
    if (t.signer !== undefined) out.push({ path: `${path}/signer`, reason: 'a chat preset signs as its platform documents; give preset or signer' });
  }
  if (t.reply !== undefined) checkReplySpec(t.reply, path, out);
  if (t.handshake !== undefined) checkHandshakeSpec(t.handshake, path, out);
  if (t.signer !== undefined) {
    checkSignerSpec(t.signer, path, out);
    if (t.connection === undefined) out.push({ path: `${path}/connection`, reason: 'a signer takes its secret from a connection (aws for sigv4, hmac for hmac)' });
  }
}

/** The spec with defaults; call only after checkHttpSpec found nothing. */
export function httpSpecOf(t: Readonly<Record<string, unknown>>): HttpTargetSpec {
  return {
    url: t.url as string,
    method: (t.method as HttpTargetSpec['method'] | undefined) ?? 'POST',
    headers: (t.headers as Record<string, string> | undefined) ?? {},
    mode: (t.mode as HttpTargetSpec['mode'] | undefined) ?? 'binary',
    batchFormat: (t.batchFormat as HttpTargetSpec['batchFormat'] | undefined) ?? 'cloudevents',
    timeoutMs: (t.timeoutMs as number | undefined) ?? DEFAULT_TIMEOUT_MS,
    ...(typeof t.connection === 'string' ? { connection: t.connection } : {}),
    ...(isDynamic(t) ? { dynamic: new DynamicRequest(t) } : {}),
    ...(typeof t.preset === 'string' ? { preset: t.preset as ChatPreset } : {}),
    ...(typeof t.reply === 'object' && t.reply !== null ? { reply: { bus: (t.reply as { bus: string }).bus } } : {}),
    ...(typeof t.signer === 'object' && t.signer !== null ? { signer: signerSpecOf(t.signer as Record<string, unknown>) } : {}),
    ...(t.handshake === undefined ? {} : { handshake: handshakeSpecOf(t.handshake)! }),
  };
}
