import { connect, credentials, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Violation } from '../../core/index.js';
import type { ConfigCheck, SourceKind, SourceRun, SourceRunner } from '../types.js';
import { Backoff, sleep } from './backoff.js';
import { brokerCredentials, checkEndpoint, optionalInt, requiredText, settingsObject, unknownKeys, type BrokerEndpoint } from './broker-config.js';
import { takeMessage, type BrokerLimits, type ReceivedMessage } from './broker-message.js';
import { ceHeader } from './binding-text.js';

export interface AmqpSourceConfig extends BrokerEndpoint {
  readonly queue: string;
  /** Unacknowledged messages at once (basic.qos prefetch). */
  readonly prefetch: number;
}

/** The AMQP binding's prefix of attribute properties (`cloudEvents_` is the older spelling). */
const PREFIXES = ['cloudEvents:', 'cloudEvents_'];

function received(m: ConsumeMessage, queue: string): ReceivedMessage {
  const ceHeaders: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.properties.headers ?? {})) {
    if (v === undefined || v === null) continue;
    headers[k] = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : JSON.stringify(v);
    const prefix = PREFIXES.find((p) => k.startsWith(p));
    if (prefix !== undefined) {
      const [name, value] = ceHeader(k.slice(prefix.length), v);
      ceHeaders[name] = value;
    }
  }
  const messageId = typeof m.properties.messageId === 'string' && m.properties.messageId !== '' ? m.properties.messageId : undefined;
  return {
    origin: queue, body: m.content, contentType: typeof m.properties.contentType === 'string' ? m.properties.contentType : undefined, ceHeaders, headers,
    defaultId: messageId,
    meta: { queue, exchange: m.fields.exchange, routingKey: m.fields.routingKey, redelivered: m.fields.redelivered, ...(messageId === undefined ? {} : { messageId }) },
  };
}

/**
 * `amqp`: consumes an AMQP 0-9-1 queue (RabbitMQ) with manual acknowledgements: a message is
 * acked after its event is committed (or it is dead-lettered); a put that fails nacks it back to
 * the queue after a pause. A mapped event's default id is the message's `message-id` property
 * (a message without one gets a random id: redelivered after its commit, it is stored again).
 */
export function amqpKind(limits: BrokerLimits): SourceKind<AmqpSourceConfig> {
  return {
    name: 'amqp',
    description: 'an AMQP 0-9-1 queue (RabbitMQ), manual acks after the commit (at least once)',
    checkConfig(config: unknown, at: string): ConfigCheck<AmqpSourceConfig> {
      const out: Violation[] = [];
      const o = settingsObject(config);
      unknownKeys(o, ['url', 'connection', 'queue', 'prefetch'], at, 'amqp', out);
      const ep = checkEndpoint(o, at, ['amqp', 'amqps'], out);
      const queue = requiredText(o, 'queue', at, 255, out, 'the queue to consume (it must exist)');
      const prefetch = optionalInt(o, 'prefetch', at, 1, 10_000, 100, out);
      return out.length > 0 || ep === undefined ? { ok: false, violations: out } : { ok: true, config: { ...ep, queue, prefetch } };
    },
    connections: (c) => (c.connection === undefined ? [] : [c.connection]),
    start: (run) => startAmqp(run, limits),
  };
}

function startAmqp(run: SourceRun<AmqpSourceConfig>, limits: BrokerLimits): SourceRunner {
  const c = run.config;
  const backoff = new Backoff();
  const retry = new Backoff(500, 30_000);
  const loop = (async () => {
    while (!run.signal.aborted) {
      let model: ChannelModel | undefined;
      try {
        const creds = await brokerCredentials(run.secrets, c.connection);
        model = await connect(c.url, {
          timeout: 10_000, clientProperties: { connection_name: `switchyard-source-${run.name}` },
          ...(creds === undefined ? {} : { credentials: credentials.plain(creds.user, creds.pass) }),
        });
        const m = model;
        const closed = new Promise<Error | undefined>((resolve) => {
          m.on('error', (e: Error) => resolve(e));
          m.on('close', () => resolve(undefined));
        });
        const ch: Channel = await model.createChannel();
        ch.on('error', () => undefined);
        const chClosed = new Promise<void>((resolve) => ch.on('close', () => resolve()));
        await ch.prefetch(c.prefetch);
        const inFlight = new Set<Promise<void>>();
        const { consumerTag } = await ch.consume(c.queue, (msg) => {
          if (msg === null) return;
          const p: Promise<void> = (async () => {
            const s = await takeMessage(received(msg, c.queue), run, 'amqp', limits);
            if (s.type === 'ack') {
              retry.reset();
              ch.ack(msg);
              return;
            }
            run.failing(s.error);
            await sleep(retry.next(), run.signal);
            ch.nack(msg, false, true);
          })().catch(() => undefined).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }, { noAck: false });
        backoff.reset();
        run.healthy();
        const aborted = new Promise<void>((resolve) => run.signal.addEventListener('abort', () => resolve(), { once: true }));
        const why = await Promise.race([closed, chClosed.then(() => new Error('the channel closed')), aborted.then(() => undefined)]);
        if (!run.signal.aborted) run.failing(why ?? new Error('the connection closed'));
        else {
          // Stopping: no new deliveries, and the ones taken settle (acked) before the connection closes.
          await ch.cancel(consumerTag).catch(() => undefined);
          await Promise.all(inFlight);
        }
      } catch (err) {
        if (!run.signal.aborted) run.failing(err);
      } finally {
        // Closing the connection returns every unacknowledged message to the queue.
        await model?.close().catch(() => undefined);
      }
      if (!run.signal.aborted) await sleep(backoff.next(), run.signal);
    }
  })();
  return { stop: () => loop };
}
