import { Agent, request, type Dispatcher } from 'undici';
import type { Violation } from '../../core/index.js';
import { encodeBatch, encodeBinary, encodeStructured, binaryModeSafe } from '../../events/index.js';
import { guardedConnector } from '../ssrf/index.js';
import type { OutboundMessage, SendOutcome, Target } from '../target.js';
import type { TargetDeps } from './deps.js';
import { KeyTemplate } from './key-template.js';
import { outboundJson } from './brokers/ce-binding.js';
import { checkBrokerUrl, checkConnectionName } from './brokers/broker-url.js';
import { signV4 } from './http/signing/sigv4.js';
import { readExcerpt } from './http/excerpt.js';
import { classifyError } from './http/classify-error.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const S3_FIELDS = ['url', 'connection', 'bucket', 'key', 'region', 'mode', 'variables'] as const;

export function checkS3Spec(t: SpecObject, path: string, out: Violation[]): void {
  checkBrokerUrl(t.url, ['http', 'https'], path, out);
  checkConnectionName(t.connection, path, out);
  if (t.connection === undefined) out.push({ path: `${path}/connection`, reason: 'an s3 target signs with an aws connection' });
  if (typeof t.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(t.bucket)) out.push({ path: `${path}/bucket`, reason: 'must be an S3 bucket name (3-63 characters: a-z, 0-9, ".", "-")' });
  KeyTemplate.check(t, 'key', path, out);
  if (t.region !== undefined && (typeof t.region !== 'string' || !/^[a-z0-9-]{1,32}$/.test(t.region))) out.push({ path: `${path}/region`, reason: 'must be an AWS region name' });
  if (t.mode !== undefined && t.mode !== 'binary' && t.mode !== 'structured') out.push({ path: `${path}/mode`, reason: 'must be "binary" or "structured"' });
}

/**
 * Object storage over the S3 API (path-style URLs, so any S3-compatible endpoint works), signed
 * with SigV4 (service `s3`) from an `aws` connection. One object per message (structured: the
 * JSON-format event; binary: the data with `datacontenttype` as Content-Type and the attributes
 * as `x-amz-meta-ce-*`), or — for a batch — one object with the CloudEvents batch, named by the
 * key rendered for the batch's first message. Success: a 2xx to the PUT.
 */
export class S3Target implements Target {
  readonly kind = 's3';
  readonly #base: string;
  readonly #bucket: string;
  readonly #key: KeyTemplate;
  readonly #region: string;
  readonly #mode: 'binary' | 'structured';
  readonly #connection: string;
  readonly #timeoutMs: number;
  readonly #deps: TargetDeps;
  readonly #agent: Dispatcher;
  #closed = false;

  constructor(t: SpecObject, deps: TargetDeps) {
    this.#base = (t.url as string).replace(/\/+$/, '');
    this.#bucket = t.bucket as string;
    this.#key = KeyTemplate.of(t, 'key');
    this.#region = (t.region as string | undefined) ?? 'us-east-1';
    this.#mode = (t.mode as 'binary' | 'structured' | undefined) ?? 'structured';
    this.#connection = t.connection as string;
    this.#timeoutMs = typeof t.timeoutMs === 'number' ? t.timeoutMs : 10_000;
    this.#deps = deps;
    const connect = Math.min(this.#timeoutMs, 10_000);
    this.#agent = new Agent({ connections: 16, headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs, connect: deps.allowPrivateNetworks ? { timeout: connect } : guardedConnector({ timeout: connect }) });
  }

  #object(messages: readonly OutboundMessage[]): { body: Buffer; headers: Record<string, string> } {
    const events = messages.flatMap((m) => (m.outbound.type === 'event' ? [m.outbound.event] : []));
    if (messages.length > 1) {
      if (events.length === messages.length) return { body: encodeBatch(events).body, headers: { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' } };
      const lines = messages.map((m) => (m.outbound.type === 'raw' ? JSON.stringify(m.outbound.body) : encodeStructured(m.outbound.event).body.toString('utf8')));
      return { body: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), headers: { 'content-type': 'application/x-ndjson' } };
    }
    const o = messages[0]!.outbound;
    if (o.type === 'raw') return { body: Buffer.from(o.body, 'utf8'), headers: { 'content-type': o.contentType } };
    if (this.#mode === 'structured' || !binaryModeSafe(o.event)) {
      const e = encodeStructured(o.event);
      return { body: e.body, headers: { 'content-type': e.headers['content-type']! } };
    }
    const e = encodeBinary(o.event);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.headers)) headers[k.startsWith('ce-') ? `x-amz-meta-${k}` : k] = v;
    return { body: e.body, headers };
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const duration = (): number => Math.round((performance.now() - started) * 1000) / 1000;
    const failed = (errorClass: 'config' | 'rejected' | 'network', message: string): SendOutcome => ({ type: 'failed', durationMs: duration(), errorClass, message });
    if (this.#closed) return failed('config', 'target is closed');
    if (signal.aborted) return failed('network', 'aborted');
    const first = messages[0];
    if (first === undefined) return { type: 'delivered', durationMs: 0 };
    const key = this.#key.render(outboundJson(first.outbound), first);
    if (!key.ok) return failed('rejected', key.reason);
    if (key.key.startsWith('/') || key.key.split('/').some((s) => s === '..' || s === '.')) return failed('rejected', `object key "${key.key.slice(0, 200)}" may not start with "/" or have "." or ".." segments`);
    const creds = await this.#deps.connections.credentials(this.#connection);
    if (creds?.kind !== 'aws') return failed('config', `connection "${this.#connection}" ${creds === undefined ? 'does not exist' : `is a ${creds.kind} connection; an s3 target needs an aws one`}`);
    const obj = this.#object(messages);
    const url = new URL(`${this.#base}/${this.#bucket}/${key.key.split('/').map(encodeURIComponent).join('/')}`);
    const headers: Record<string, string> = { ...obj.headers, 'x-amz-meta-switchyard-delivery': first.deliveryId };
    Object.assign(headers, await signV4({ method: 'PUT', url, headers, body: obj.body }, creds, this.#region, 's3', this.#deps.clock.now()));
    const ac = new AbortController();
    let timedOut = false;
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.#timeoutMs);
    try {
      const res = await request(url, { dispatcher: this.#agent, method: 'PUT', headers, body: obj.body, signal: ac.signal });
      const excerpt = await readExcerpt(res.body);
      const s = res.statusCode;
      if (s >= 200 && s < 300) return { type: 'delivered', durationMs: duration(), status: s };
      const code = /<Code>([^<]+)<\/Code>/.exec(excerpt)?.[1] ?? '';
      const message = `HTTP ${s}${code === '' ? '' : ` ${code}`}`;
      // 403 (credentials, signature, policy) and 404 (NoSuchBucket) are the target's configuration; 5xx, 429 and SlowDown are retried
      if (s === 403 || s === 404 || s === 301) return { type: 'failed', durationMs: duration(), errorClass: 'config', status: s, message, response: excerpt };
      return { type: 'failed', durationMs: duration(), errorClass: 'http', status: s, message, response: excerpt };
    } catch (err) {
      const c = classifyError(err, timedOut);
      return { type: 'failed', durationMs: duration(), errorClass: c.errorClass, message: signal.aborted && !timedOut ? 'aborted' : c.message };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.close();
  }
}
