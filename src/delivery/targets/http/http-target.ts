import { Agent, request, type Dispatcher } from 'undici';
import { isSwitchyardError } from '../../../core/index.js';
import type { OutboundMessage, SendOutcome, Target } from '../../target.js';
import { guardedConnector } from '../../ssrf/index.js';
import { signWebhook } from '../../signing/index.js';
import { AuthorizationError, type Authorizer } from '../../connections/types.js';
import type { TargetDeps } from '../deps.js';
import type { HttpTargetSpec } from './http-spec.js';
import { encodeRequest } from './encode-body.js';
import { MAX_EXCERPT_BYTES, readBody, readExcerpt, utf8Prefix } from './excerpt.js';
import { MAX_REPLY_BYTES, putReply } from './reply.js';
import { parseRetryAfter } from './retry-after.js';
import { classifyError } from './classify-error.js';
import { isSensitiveHeader, redactExcerpt } from './redact.js';
import { chatRequest, chatVerdict, presetSigns, type ChatRequest } from './chat-presets.js';
import { signV4 } from './signing/sigv4.js';
import { hmacHeaders } from './signing/hmac-signer.js';
import { WebhookValidation } from './handshake.js';

const USER_AGENT = 'Switchyard-Webhooks/1';

function failedAttempt(errorClass: 'rejected' | 'config', message: string): Attempt {
  return { type: 'error', outcome: { type: 'failed', durationMs: 0, errorClass, message } };
}

type Attempt =
  /** `secrets`: the credential values this request carried, to remove from what is kept of the answer. */
  | {
      readonly type: 'response'; readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly excerpt: string; readonly secrets: readonly string[];
      /** The whole body (at most MAX_REPLY_BYTES), read only for a target with `reply`. */
      readonly body?: { readonly bytes: Buffer; readonly truncated: boolean };
    }
  | { readonly type: 'error'; readonly outcome: SendOutcome };

/**
 * Delivers over HTTP with a pooled undici Agent of its own. Every request is signed
 * (Standard Webhooks), redirects are never followed (a 3xx is a failure), the whole attempt
 * — connect, headers, the 1 KiB response excerpt — is bounded by `timeoutMs`, and with
 * private networks disallowed the Agent connects only to addresses the SSRF guard accepted
 * after DNS resolution. With a connection, a 401 invalidates the credentials (OAuth2: the
 * cached token) and the request is retried once with fresh ones. What is kept of an answer
 * (excerpt, redirect location) has the request's credentials removed (redact.ts).
 */
export class HttpTarget implements Target {
  readonly kind = 'http';
  readonly #spec: HttpTargetSpec;
  readonly #deps: TargetDeps;
  readonly #agent: Dispatcher;
  /** The spec's headers with lower-case names, computed once. */
  readonly #headers: Readonly<Record<string, string>>;
  /** Values of the spec's credential-looking headers (a token set by hand instead of a connection). */
  readonly #headerSecrets: readonly string[];
  /** The validation handshake's memory of allowed URLs, when the target asks for it. */
  readonly #validation: WebhookValidation | undefined;
  #closed = false;

  constructor(spec: HttpTargetSpec, deps: TargetDeps) {
    this.#spec = spec;
    this.#deps = deps;
    // templated header values are rendered per request (spec.dynamic)
    this.#headers = Object.fromEntries(Object.entries(spec.headers).filter(([, v]) => !v.includes('${')).map(([k, v]) => [k.toLowerCase(), v]));
    this.#headerSecrets = Object.entries(this.#headers).filter(([k]) => isSensitiveHeader(k)).map(([, v]) => v);
    this.#validation = spec.handshake === undefined ? undefined : new WebhookValidation(spec.handshake);
    const connectTimeout = Math.min(spec.timeoutMs, 10_000);
    this.#agent = new Agent({
      connections: 128,
      keepAliveTimeout: 4_000,
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
      connect: deps.allowPrivateNetworks ? { timeout: connectTimeout } : guardedConnector({ timeout: connectTimeout }),
    });
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const duration = (): number => Math.round((performance.now() - started) * 1000) / 1000;
    if (this.#closed) return { type: 'failed', durationMs: 0, errorClass: 'config', message: 'target is closed' };
    if (messages.length === 0) return { type: 'delivered', durationMs: 0 };
    let authorizer: Authorizer | undefined;
    if (this.#spec.connection !== undefined) {
      try {
        authorizer = await this.#deps.connections.authorizer(this.#spec.connection);
      } catch (e) {
        return { type: 'failed', durationMs: duration(), errorClass: 'config', message: (e as Error).message };
      }
      if (authorizer === undefined) return { type: 'failed', durationMs: duration(), errorClass: 'config', message: `connection "${this.#spec.connection}" does not exist` };
    }
    // One controller per send, aborted by the caller's signal or by the timeout (cheaper than
    // AbortSignal.any over two signals, which this path paid per delivery).
    const ac = new AbortController();
    let timedOut = false;
    const onAbort = (): void => ac.abort();
    if (signal.aborted) ac.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.#spec.timeoutMs);
    const isTimedOut = (): boolean => timedOut;
    try {
      let attempt = await this.#attempt(messages, authorizer, ac.signal, isTimedOut);
      if (attempt.type === 'response' && attempt.status === 401 && authorizer !== undefined && authorizer.invalidate()) {
        attempt = await this.#attempt(messages, authorizer, ac.signal, isTimedOut);
      }
      const outcome = this.#outcome(attempt, duration());
      const reply = this.#spec.reply;
      if (reply === undefined || outcome.type !== 'delivered' || attempt.type !== 'response' || attempt.body === undefined) return outcome;
      const ct = attempt.headers['content-type'];
      const r = await putReply({
        reply, first: messages[0]!, contentType: Array.isArray(ct) ? ct[0] : ct, headers: attempt.headers, body: attempt.body.bytes, truncated: attempt.body.truncated, publisher: this.#deps.busPublisher,
      });
      if (r.type === 'retry') return { type: 'failed', durationMs: duration(), errorClass: 'io', message: r.message, ...(outcome.status === undefined ? {} : { status: outcome.status }) };
      return { ...outcome, durationMs: duration(), note: r.note };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #attempt(messages: readonly OutboundMessage[], authorizer: Authorizer | undefined, signal: AbortSignal, timedOut: () => boolean): Promise<Attempt> {
    try {
      const first = messages[0]!;
      const now = this.#deps.clock.now();
      // A templated request takes its URL and header values from the first message of the send.
      const dyn = this.#spec.dynamic?.render(first);
      if (dyn !== undefined && !dyn.ok) return failedAttempt('rejected', `the request could not be built: ${dyn.reason}`);
      const url = dyn?.url ?? this.#spec.url;
      const dynHeaders = dyn?.headers ?? {};
      if (this.#validation !== undefined) {
        const refused = await this.#validation.check(url, this.#agent, { 'user-agent': USER_AGENT }, signal);
        if (refused !== undefined) return { type: 'error', outcome: { type: 'failed', durationMs: 0, errorClass: 'http', message: refused } };
      }
      // A chat preset or a signer reads its secret from the connection (kind hmac or aws).
      const needsSecret = this.#spec.signer !== undefined || (this.#spec.preset !== undefined && presetSigns(this.#spec.preset));
      const conn = needsSecret && this.#spec.connection !== undefined ? await this.#deps.connections.credentials(this.#spec.connection) : undefined;
      let enc = encodeRequest(messages, this.#spec);
      let presetQuery: Readonly<Record<string, string>> = {};
      if (this.#spec.preset !== undefined) {
        if (conn !== undefined && conn.kind !== 'hmac') return failedAttempt('config', `connection "${this.#spec.connection ?? ''}" is a ${conn.kind} connection; a ${this.#spec.preset} preset signs with an hmac one`);
        let chat: ChatRequest;
        try {
          chat = chatRequest(this.#spec.preset, first.outbound, conn?.kind === 'hmac' ? conn.secret : undefined, now);
        } catch (e) {
          return failedAttempt('rejected', `the ${this.#spec.preset} message could not be built: ${(e as Error).message}`);
        }
        enc = { webhookId: enc.webhookId, headers: { 'content-type': 'application/json; charset=utf-8' }, body: chat.body };
        presetQuery = chat.query;
      }
      const secrets = await this.#deps.signingSecrets.activeSecrets({ bus: first.bus, rule: first.rule, targetId: first.targetId }, now);
      // A connection (an API key in the query), a preset's signature or a signer works on a URL object of its own.
      const hasQuery = Object.keys(presetQuery).length > 0;
      const target = authorizer !== undefined || hasQuery || this.#spec.signer !== undefined ? new URL(url) : undefined;
      if (target !== undefined) for (const [k, v] of Object.entries(presetQuery)) target.searchParams.set(k, v);
      const headers: Record<string, string> = {
        ...this.#headers,
        ...dynHeaders,
        ...enc.headers,
        'user-agent': USER_AGENT,
        // W3C trace context of this attempt (a batch carries its first message's).
        ...(first.traceparent === undefined ? {} : { traceparent: first.traceparent }),
        ...(first.traceparent === undefined || first.tracestate === undefined ? {} : { tracestate: first.tracestate }),
        ...signWebhook(secrets, enc.webhookId, Math.floor(now / 1000), enc.body),
      };
      let credentials = this.#headerSecrets;
      const dynSecrets = Object.entries(dynHeaders).filter(([k]) => isSensitiveHeader(k)).map(([, v]) => v);
      if (dynSecrets.length > 0) credentials = [...credentials, ...dynSecrets];
      if (authorizer !== undefined && target !== undefined) {
        const before = { ...headers };
        const query = new URLSearchParams(target.search);
        await authorizer.authorize({ url: target, headers }, signal);
        // Whatever the connection added or changed is a credential.
        const added = [
          ...Object.entries(headers).filter(([k, v]) => before[k] !== v).map(([, v]) => v),
          ...[...target.searchParams].filter(([k, v]) => !query.getAll(k).includes(v)).map(([, v]) => v),
        ];
        if (added.length > 0) credentials = [...credentials, ...added];
      }
      const signer = this.#spec.signer;
      if (signer !== undefined && target !== undefined) {
        // signed last: the signature covers the final URL and headers
        if (signer.type === 'sigv4') {
          if (conn?.kind !== 'aws') return failedAttempt('config', `a sigv4 signer needs an aws connection${conn === undefined ? '' : `, not ${conn.kind}`}`);
          Object.assign(headers, await signV4({ method: this.#spec.method, url: target, headers, body: enc.body }, conn, signer.region, signer.service, now));
          if (conn.sessionToken !== undefined) credentials = [...credentials, conn.sessionToken];
        } else {
          if (conn?.kind !== 'hmac') return failedAttempt('config', `an hmac signer needs an hmac connection${conn === undefined ? '' : `, not ${conn.kind}`}`);
          Object.assign(headers, hmacHeaders(signer, conn.secret, enc.body, now));
        }
      }
      const res = await request(target ?? url, { dispatcher: this.#agent, method: this.#spec.method, headers, body: enc.body, signal });
      if (this.#spec.reply !== undefined) {
        const whole = await readBody(res.body, MAX_REPLY_BYTES);
        return { type: 'response', status: res.statusCode, headers: res.headers, excerpt: utf8Prefix(whole.bytes, MAX_EXCERPT_BYTES), secrets: credentials, body: whole };
      }
      const excerpt = await readExcerpt(res.body);
      return { type: 'response', status: res.statusCode, headers: res.headers, excerpt, secrets: credentials };
    } catch (err) {
      if (isSwitchyardError(err)) {
        // e.g. signing secrets that cannot be decrypted with the configured key
        return { type: 'error', outcome: { type: 'failed', durationMs: 0, errorClass: 'config', message: err.message } };
      }
      if (err instanceof AuthorizationError) {
        return { type: 'error', outcome: { type: 'failed', durationMs: 0, errorClass: err.errorClass, message: err.message, ...(err.status === undefined ? {} : { status: err.status }) } };
      }
      const { errorClass, message } = classifyError(err, timedOut());
      return { type: 'error', outcome: { type: 'failed', durationMs: 0, errorClass, message: signal.aborted && !timedOut() ? 'aborted' : message } };
    }
  }

  #outcome(a: Attempt, durationMs: number): SendOutcome {
    if (a.type === 'error') return { ...a.outcome, durationMs };
    const response = a.excerpt === '' ? {} : { response: redactExcerpt(a.excerpt, a.secrets) };
    if (a.status >= 200 && a.status < 300) {
      // chat platforms may refuse a message in a 2xx answer
      const v = this.#spec.preset === undefined ? undefined : chatVerdict(this.#spec.preset, a.excerpt);
      if (v !== undefined && !v.ok) return { type: 'failed', durationMs, errorClass: v.retry ? 'io' : 'rejected', status: a.status, message: v.message, ...response };
      return { type: 'delivered', durationMs, status: a.status, ...response };
    }
    const retryAfterMs = parseRetryAfter(a.headers['retry-after'], this.#deps.clock.now());
    const location = a.headers.location;
    const message = a.status >= 300 && a.status < 400
      ? `HTTP ${a.status}: redirect not followed${location === undefined ? '' : ` (location: ${redactExcerpt(String(location), a.secrets).slice(0, 200)})`}`
      : `HTTP ${a.status}`;
    return { type: 'failed', durationMs, errorClass: 'http', status: a.status, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), ...response };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.close();
  }
}
