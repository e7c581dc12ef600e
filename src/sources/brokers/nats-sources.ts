import { connect, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, JetStreamApiError, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Violation } from '../../core/index.js';
import type { ConfigCheck, SourceKind, SourceRun, SourceRunner } from '../types.js';
import { Backoff, sleep } from './backoff.js';
import { brokerCredentials, checkEndpoint, optionalInt, optionalText, requiredText, settingsObject, unknownKeys, type BrokerEndpoint } from './broker-config.js';
import { takeMessage, type BrokerLimits, type ReceivedMessage } from './broker-message.js';
import { InFlight } from './in-flight.js';

export interface NatsCoreConfig extends BrokerEndpoint {
  readonly subject: string;
  readonly queue: string | undefined;
}

export interface JetStreamConfig extends BrokerEndpoint {
  readonly stream: string;
  readonly consumer: string;
  readonly filterSubject: string | undefined;
  readonly ackWaitMs: number;
  /** Messages taken at once (the consumer's max_ack_pending is at least this). */
  readonly concurrency: number;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const SUBJECT = /^[^\s]{1,255}$/;

/** NATS headers as the binding reads them: `ce-*` attributes, the content type, every header as text. */
function fromHeaders(h: MsgHdrs | undefined): { ceHeaders: Record<string, string>; headers: Record<string, string>; contentType: string | undefined } {
  const ceHeaders: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let contentType: string | undefined;
  for (const k of h?.keys() ?? []) {
    const v = h!.get(k);
    const lower = k.toLowerCase();
    headers[lower] = v;
    if (lower.startsWith('ce-')) ceHeaders[lower] = v;
    else if (lower === 'content-type') contentType = v;
  }
  return { ceHeaders, headers, contentType };
}

async function open(run: SourceRun<BrokerEndpoint>): Promise<NatsConnection> {
  const creds = await brokerCredentials(run.secrets, run.config.connection);
  return connect({
    servers: run.config.url, name: `switchyard-source-${run.name}`, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000,
    ...(creds === undefined ? {} : { user: creds.user, pass: creds.pass }),
  });
}

/**
 * Runs `session` on a fresh connection until it ends or fails, then reconnects with backoff,
 * until the source stops. nats.js reconnects a dropped connection itself; a session that ends
 * (the server gone for long, the consumer deleted) is started again here.
 */
function supervise<C extends BrokerEndpoint>(run: SourceRun<C>, session: (nc: NatsConnection, ready: () => void) => Promise<void>): SourceRunner {
  const backoff = new Backoff();
  const loop = (async () => {
    while (!run.signal.aborted) {
      let nc: NatsConnection | undefined;
      try {
        nc = await open(run);
        const conn = nc;
        const onAbort = (): void => void conn.close().catch(() => {});
        run.signal.addEventListener('abort', onAbort, { once: true });
        try {
          await session(nc, () => {
            backoff.reset();
            run.healthy();
          });
        } finally {
          run.signal.removeEventListener('abort', onAbort);
        }
        if (!run.signal.aborted) run.failing(new Error('the subscription ended; reconnecting'));
      } catch (err) {
        if (!run.signal.aborted) run.failing(err);
      } finally {
        await nc?.close().catch(() => {});
      }
      if (!run.signal.aborted) await sleep(backoff.next(), run.signal);
    }
  })();
  return { stop: () => loop };
}

/**
 * `nats`: a core NATS subscription (optionally in a queue group). Core NATS keeps nothing: a
 * message whose put fails is lost (counted as rejected and logged), so this kind is at most
 * once; use `nats-jetstream` for at least once.
 */
export function natsCoreKind(limits: BrokerLimits): SourceKind<NatsCoreConfig> {
  return {
    name: 'nats',
    description: 'a core NATS subject (at most once: core NATS keeps no message); optional queue group',
    checkConfig(config: unknown, at: string): ConfigCheck<NatsCoreConfig> {
      const out: Violation[] = [];
      const o = settingsObject(config);
      unknownKeys(o, ['url', 'connection', 'subject', 'queue'], at, 'nats', out);
      const ep = checkEndpoint(o, at, ['nats'], out);
      const subject = requiredText(o, 'subject', at, 255, out, 'the subject to subscribe to (wildcards * and > allowed)');
      if (subject !== '' && !SUBJECT.test(subject)) out.push({ path: `${at}/subject`, reason: 'must not contain whitespace' });
      const queue = optionalText(o, 'queue', at, 255, out);
      if (queue !== undefined && !NAME.test(queue)) out.push({ path: `${at}/queue`, reason: 'letters, digits, _ and - only' });
      return out.length > 0 || ep === undefined ? { ok: false, violations: out } : { ok: true, config: { ...ep, subject, queue } };
    },
    connections: (c) => (c.connection === undefined ? [] : [c.connection]),
    start(run) {
      return supervise(run, async (nc, ready) => {
        const sub = nc.subscribe(run.config.subject, run.config.queue === undefined ? {} : { queue: run.config.queue });
        run.signal.addEventListener('abort', () => sub.unsubscribe(), { once: true });
        ready();
        const window = new InFlight(64);
        for await (const m of sub) {
          const h = fromHeaders(m.headers);
          const msg: ReceivedMessage = { origin: m.subject, body: Buffer.from(m.data), ...h, meta: { subject: m.subject } };
          await window.run(async () => {
            const s = await takeMessage(msg, run, 'nats', limits);
            if (s.type === 'retry') {
              run.failing(s.error);
              run.log.error({ source: run.name, err: s.error }, 'a core NATS message could not be stored and is lost (core NATS does not redeliver)');
            }
          });
        }
        await window.drain();
      });
    },
  };
}

/**
 * `nats-jetstream`: a durable pull consumer on a stream (created when missing, explicit ack).
 * Each message is acknowledged after its event is committed (or it is dead-lettered); a put that
 * fails is nak'ed with a delay and redelivered. A mapped event's default id is
 * `<stream>:<stream sequence>`, the same on every redelivery.
 */
export function jetStreamKind(limits: BrokerLimits): SourceKind<JetStreamConfig> {
  return {
    name: 'nats-jetstream',
    description: 'a NATS JetStream durable consumer (at least once: acknowledged after the commit)',
    checkConfig(config: unknown, at: string): ConfigCheck<JetStreamConfig> {
      const out: Violation[] = [];
      const o = settingsObject(config);
      unknownKeys(o, ['url', 'connection', 'stream', 'consumer', 'filterSubject', 'ackWaitMs', 'concurrency'], at, 'nats-jetstream', out);
      const ep = checkEndpoint(o, at, ['nats'], out);
      const stream = requiredText(o, 'stream', at, 255, out, 'the stream');
      const consumer = requiredText(o, 'consumer', at, 255, out, 'the durable consumer name (created when missing)');
      for (const [k, v] of [['stream', stream], ['consumer', consumer]] as const) if (v !== '' && !NAME.test(v)) out.push({ path: `${at}/${k}`, reason: 'letters, digits, _ and - only' });
      const filterSubject = optionalText(o, 'filterSubject', at, 255, out);
      const ackWaitMs = optionalInt(o, 'ackWaitMs', at, 1000, 3_600_000, 30_000, out);
      const concurrency = optionalInt(o, 'concurrency', at, 1, 1024, 64, out);
      return out.length > 0 || ep === undefined ? { ok: false, violations: out } : { ok: true, config: { ...ep, stream, consumer, filterSubject, ackWaitMs, concurrency } };
    },
    connections: (c) => (c.connection === undefined ? [] : [c.connection]),
    start(run) {
      const c = run.config;
      const backoff = new Backoff(500, 30_000);
      return supervise(run, async (nc, ready) => {
        const jsm = await jetstreamManager(nc);
        try {
          await jsm.consumers.info(c.stream, c.consumer);
        } catch (err) {
          if (!(err instanceof JetStreamApiError) || err.code !== 10014) throw err;
          await jsm.consumers.add(c.stream, {
            durable_name: c.consumer, ack_policy: AckPolicy.Explicit, ack_wait: c.ackWaitMs * 1_000_000, max_ack_pending: Math.max(1000, c.concurrency),
            ...(c.filterSubject === undefined ? {} : { filter_subject: c.filterSubject }),
          });
        }
        const consumer = await jetstream(nc).consumers.get(c.stream, c.consumer);
        const messages = await consumer.consume({ max_messages: c.concurrency });
        run.signal.addEventListener('abort', () => void messages.close(), { once: true });
        ready();
        const window = new InFlight(c.concurrency);
        for await (const m of messages) {
          await window.run(() => settle(m, run, limits, backoff));
        }
        await window.drain();
      });
    },
  };
}

async function settle(m: JsMsg, run: SourceRun<JetStreamConfig>, limits: BrokerLimits, backoff: Backoff): Promise<void> {
  const h = fromHeaders(m.headers);
  const seq = m.info.streamSequence;
  const msg: ReceivedMessage = {
    origin: m.subject, body: Buffer.from(m.data), ...h, defaultId: `${m.info.stream}:${seq}`,
    meta: { subject: m.subject, stream: m.info.stream, sequence: seq, redelivered: m.redelivered },
  };
  const s = await takeMessage(msg, run, 'nats-jetstream', limits);
  if (s.type === 'ack') {
    backoff.reset();
    m.ack();
    return;
  }
  run.failing(s.error);
  m.nak(backoff.next());
}
