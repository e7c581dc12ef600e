import { connect, errors, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, JetStreamApiError, JetStreamError, type JetStreamClient } from '@nats-io/jetstream';
import type { Violation } from '../../../core/index.js';
import { encodeHeaderValue } from '../../../events/index.js';
import type { Target } from '../../target.js';
import type { TargetDeps } from '../deps.js';
import { BrokerTarget, networkFailure, UnsendableError, type BrokerDriver, type DriverFailure } from './broker-target.js';
import type { BrokerMessage } from './ce-binding.js';
import { KeyTemplate } from '../key-template.js';
import { BROKER_FIELDS, brokerOptionsOf, checkBrokerFields } from './shared-spec.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const NATS_FIELDS = [...BROKER_FIELDS, 'subject', 'jetstream'] as const;

/** A subject to publish to: dot-separated non-empty tokens, no whitespace, no wildcards. */
export function natsSubjectProblem(s: string): string | undefined {
  if (/\s/.test(s)) return 'a subject may not contain whitespace';
  const tokens = s.split('.');
  if (tokens.some((t) => t === '')) return 'a subject may not have empty tokens';
  if (tokens.some((t) => t === '*' || t === '>')) return 'a subject to publish to may not contain wildcards';
  return undefined;
}

export function checkNatsSpec(t: SpecObject, path: string, out: Violation[]): void {
  checkBrokerFields(t, ['nats', 'tls'], path, out);
  KeyTemplate.check(t, 'subject', path, out);
  if (typeof t.subject === 'string' && !KeyTemplate.isTemplated(t.subject)) {
    const p = natsSubjectProblem(t.subject);
    if (p !== undefined) out.push({ path: `${path}/subject`, reason: p });
  }
  const js = t.jetstream;
  if (js !== undefined && typeof js !== 'boolean') {
    if (typeof js !== 'object' || js === null || Array.isArray(js)) out.push({ path: `${path}/jetstream`, reason: 'must be a boolean or { "stream": <name> }' });
    else {
      for (const k of Object.keys(js)) if (k !== 'stream') out.push({ path: `${path}/jetstream/${k}`, reason: 'unknown field' });
      const stream = (js as Record<string, unknown>).stream;
      if (stream !== undefined && (typeof stream !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(stream))) out.push({ path: `${path}/jetstream/stream`, reason: 'must be a stream name' });
    }
  }
}

interface NatsClient {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient | undefined;
}

/**
 * NATS (CloudEvents NATS protocol binding): binary mode puts the attributes in `ce-` headers
 * and `datacontenttype` in `content-type`; structured mode sends the JSON-format event. Core
 * publishes are confirmed by a flush (the server's PONG after them: it has processed them);
 * JetStream publishes by the stream's ack, with the delivery id as `Nats-Msg-Id` so a retried
 * delivery is stored once within the stream's duplicate window.
 */
class NatsDriver implements BrokerDriver<NatsClient> {
  readonly kind = 'nats';
  readonly #subject: KeyTemplate;
  readonly #jetstream: false | { stream?: string };
  readonly #timeoutMs: number;

  constructor(spec: SpecObject, timeoutMs: number) {
    this.#subject = KeyTemplate.of(spec, 'subject');
    const js = spec.jetstream;
    this.#jetstream = js === true ? {} : typeof js === 'object' && js !== null ? { ...(js as { stream?: string }) } : false;
    this.#timeoutMs = timeoutMs;
  }

  async connect(url: URL, onLost: () => void): Promise<NatsClient> {
    const nc = await connect({
      servers: `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port === '' ? 4222 : url.port}`,
      ...(url.username === '' ? {} : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }),
      ...(url.protocol === 'tls:' ? { tls: {} } : {}),
      reconnect: false,
      timeout: Math.min(this.#timeoutMs, 10_000),
      name: 'switchyard-target',
    });
    void nc.closed().then(onLost, onLost);
    return { nc, js: this.#jetstream === false ? undefined : jetstream(nc, { timeout: this.#timeoutMs }) };
  }

  async publish(c: NatsClient, messages: readonly BrokerMessage[]): Promise<void> {
    const prepared = messages.map((m) => {
      const r = this.#subject.render(m.json, m.source);
      if (!r.ok) throw new UnsendableError(r.reason);
      const problem = natsSubjectProblem(r.key);
      if (problem !== undefined) throw new UnsendableError(`subject "${r.key.slice(0, 200)}": ${problem}`);
      const h = natsHeaders();
      for (const [k, v] of m.attributes) h.set(`ce-${k}`, encodeHeaderValue(v));
      if (m.contentType !== undefined) h.set('content-type', m.contentType);
      if (m.source.traceparent !== undefined) h.set('traceparent', m.source.traceparent);
      return { subject: r.key, headers: h, body: m.body, msgID: m.source.deliveryId };
    });
    const max = c.nc.info?.max_payload;
    for (const p of prepared) if (max !== undefined && p.body.length > max) throw new UnsendableError(`the message is ${p.body.length} bytes; the server takes at most ${max}`);
    if (c.js === undefined) {
      for (const p of prepared) c.nc.publish(p.subject, p.body, { headers: p.headers });
      await c.nc.flush();
      return;
    }
    const js = c.js;
    const stream = this.#jetstream === false ? undefined : this.#jetstream.stream;
    // Started in order on one connection, so the stream stores them in order; awaited together.
    await Promise.all(prepared.map((p) => js.publish(p.subject, p.body, { headers: p.headers, msgID: p.msgID, ...(stream === undefined ? {} : { expect: { streamName: stream } }) })));
  }

  async close(c: NatsClient): Promise<void> {
    if (!c.nc.isClosed()) await c.nc.close();
  }

  classify(err: unknown): DriverFailure {
    const net = networkFailure(err);
    if (net !== undefined) return net;
    const e = err as Error & { cause?: unknown };
    const msg = e.message ?? String(err);
    if (err instanceof errors.AuthorizationError || err instanceof errors.UserAuthenticationExpiredError) return { errorClass: 'config', message: `NATS refused the credentials: ${msg}`, drop: true };
    if (err instanceof errors.PermissionViolationError) return { errorClass: 'config', message: msg, drop: false };
    if (err instanceof errors.NoRespondersError || (err instanceof errors.RequestError && err.isNoResponders()) || e.cause instanceof errors.NoRespondersError) {
      return { errorClass: 'network', message: `no JetStream stream answered for the subject (${msg})`, drop: false };
    }
    if (err instanceof errors.TimeoutError) return { errorClass: 'timeout', message: msg, drop: false };
    if (err instanceof JetStreamApiError) return { errorClass: 'rejected', message: `JetStream refused the message: ${msg}`, drop: false };
    if (err instanceof JetStreamError) return { errorClass: 'io', message: msg, drop: false };
    if (err instanceof errors.InvalidSubjectError || err instanceof errors.InvalidArgumentError) return { errorClass: 'rejected', message: msg, drop: false };
    return { errorClass: 'network', message: msg, drop: true };
  }
}

export function createNatsTarget(spec: SpecObject, deps: TargetDeps): Target {
  const options = brokerOptionsOf(spec);
  return new BrokerTarget(new NatsDriver(spec, options.timeoutMs), options, deps);
}
