import { connect, type ChannelModel, type ConfirmChannel, type Message, type Options } from 'amqplib';
import type { Violation } from '../../../core/index.js';
import type { Target } from '../../target.js';
import type { TargetDeps } from '../deps.js';
import { BrokerTarget, networkFailure, UnsendableError, type BrokerDriver, type DriverFailure } from './broker-target.js';
import type { BrokerMessage } from './ce-binding.js';
import { KeyTemplate } from '../key-template.js';
import { BROKER_FIELDS, brokerOptionsOf, checkBrokerFields } from './shared-spec.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const AMQP_FIELDS = [...BROKER_FIELDS, 'exchange', 'routingKey', 'persistent', 'mandatory'] as const;

/** AMQP 0-9-1 short strings: at most 255 bytes. */
const MAX_SHORTSTR = 255;

export function checkAmqpSpec(t: SpecObject, path: string, out: Violation[]): void {
  checkBrokerFields(t, ['amqp', 'amqps'], path, out);
  const ex = t.exchange;
  if (typeof ex !== 'string' || !/^[A-Za-z0-9_.:-]{0,255}$/.test(ex)) out.push({ path: `${path}/exchange`, reason: 'must be an exchange name (letters, digits, "-", "_", ".", ":"; "" is the default exchange)' });
  if (t.routingKey === undefined) {
    if (ex === '') out.push({ path: `${path}/routingKey`, reason: 'is required with the default exchange (it names the queue)' });
  } else KeyTemplate.check(t, 'routingKey', path, out);
  if (typeof t.routingKey === 'string' && !KeyTemplate.isTemplated(t.routingKey) && Buffer.byteLength(t.routingKey) > MAX_SHORTSTR) out.push({ path: `${path}/routingKey`, reason: `must be at most ${MAX_SHORTSTR} bytes` });
  for (const f of ['persistent', 'mandatory']) if (t[f] !== undefined && typeof t[f] !== 'boolean') out.push({ path: `${path}/${f}`, reason: 'must be a boolean' });
}

interface AmqpClient {
  readonly model: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Message ids RabbitMQ returned as unroutable (`mandatory`), until their confirm arrives. */
  readonly returned: Set<string>;
  /** Why the server closed the channel (a 404 for a missing exchange), reported instead of "channel closed". */
  closedBy?: Error;
}

/** A message ready for basic.publish. */
interface Prepared {
  readonly key: string;
  readonly body: Buffer;
  readonly options: Options.Publish & { messageId: string };
}

/** A CloudEvents attribute as an AMQP application property (AMQP binding §3.1.3.1). */
const PROPERTY_PREFIX = 'cloudEvents:';

/**
 * RabbitMQ (AMQP 0-9-1) on a confirm channel: a send succeeds once the broker confirmed
 * (basic.ack) every message; a nack fails it (`io`, retried). Binary mode follows the
 * CloudEvents AMQP binding: attributes as `cloudEvents:<name>` headers, `datacontenttype` as the
 * content-type property; structured mode sends the JSON-format event. The delivery id is the
 * message-id. With `mandatory`, a message no queue is bound for is returned and fails
 * (`rejected`); without it RabbitMQ confirms and drops it.
 */
class AmqpDriver implements BrokerDriver<AmqpClient> {
  readonly kind = 'amqp';
  readonly #exchange: string;
  readonly #routingKey: KeyTemplate | undefined;
  readonly #persistent: boolean;
  readonly #mandatory: boolean;
  readonly #timeoutMs: number;

  constructor(spec: SpecObject, timeoutMs: number) {
    this.#exchange = spec.exchange as string;
    this.#routingKey = spec.routingKey === undefined ? undefined : KeyTemplate.of(spec, 'routingKey');
    this.#persistent = spec.persistent !== false;
    this.#mandatory = spec.mandatory === true;
    this.#timeoutMs = timeoutMs;
  }

  async connect(url: URL, onLost: () => void): Promise<AmqpClient> {
    const model = await connect(url.href, { timeout: Math.min(this.#timeoutMs, 10_000), clientProperties: { connection_name: 'switchyard-target' } });
    model.on('error', () => undefined);
    model.on('close', onLost);
    try {
      const channel = await model.createConfirmChannel();
      const client: AmqpClient = { model, channel, returned: new Set<string>() };
      channel.on('error', (e: Error) => {
        client.closedBy = e;
      });
      // A channel error (an exchange that does not exist) closes the channel: start afresh.
      channel.on('close', onLost);
      channel.on('return', (m: Message) => {
        if (typeof m.properties.messageId === 'string') client.returned.add(m.properties.messageId);
      });
      return client;
    } catch (err) {
      await model.close().catch(() => undefined);
      throw err;
    }
  }

  publish(c: AmqpClient, messages: readonly BrokerMessage[]): Promise<void> {
    // every message is checked before any is published: an unsendable one fails the send as a whole
    const prepared = messages.map((m) => this.#prepare(m));
    if (prepared.length === 1) return this.#publishOne(c, prepared[0]!);
    return Promise.all(prepared.map((p) => this.#publishOne(c, p))).then(() => undefined);
  }

  #prepare(m: BrokerMessage): Prepared {
    let key = '';
    if (this.#routingKey !== undefined) {
      const r = this.#routingKey.render(m.json, m.source);
      if (!r.ok) throw new UnsendableError(r.reason);
      if (Buffer.byteLength(r.key) > MAX_SHORTSTR) throw new UnsendableError(`the routing key is over ${MAX_SHORTSTR} bytes`);
      key = r.key;
    }
    const options: Prepared['options'] = { messageId: m.source.deliveryId, persistent: this.#persistent, mandatory: this.#mandatory };
    if (m.contentType !== undefined) options.contentType = m.contentType;
    // no headers table at all when there is nothing to put in it (structured mode, no trace)
    if (m.attributes.length > 0 || m.source.traceparent !== undefined) {
      const headers: Record<string, string> = {};
      for (const [k, v] of m.attributes) headers[`${PROPERTY_PREFIX}${k}`] = v;
      if (m.source.traceparent !== undefined) headers.traceparent = m.source.traceparent;
      options.headers = headers;
    }
    return { key, body: m.body, options };
  }

  /** Publishes one message; resolves on its basic.ack (the channel's per-message confirm callback). */
  #publishOne(c: AmqpClient, p: Prepared): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const messageId = p.options.messageId;
      c.channel.publish(this.#exchange, p.key, p.body, p.options, (err: unknown) => {
        if (err !== null && err !== undefined) return reject(c.closedBy ?? (err instanceof Error && err.message !== 'message nacked' ? err : new NackError()));
        if (c.returned.size > 0 && c.returned.delete(messageId)) return reject(new UnsendableError(`no queue is bound for routing key "${p.key.slice(0, 200)}" on exchange "${this.#exchange}" (mandatory)`));
        resolve();
      });
    });
  }

  async close(c: AmqpClient): Promise<void> {
    await c.model.close();
  }

  classify(err: unknown): DriverFailure {
    const net = networkFailure(err);
    if (net !== undefined) return net;
    if (err instanceof NackError) return { errorClass: 'io', message: err.message, drop: false };
    const e = err as { code?: unknown; message?: string };
    const msg = e.message ?? String(err);
    // AMQP reply codes: 403 access refused, 404 not found, 530 not allowed (vhost) … configuration.
    const code = typeof e.code === 'number' ? e.code : Number(/\b(40[0-9]|5[0-9]{2})\b/.exec(msg)?.[1]);
    if (/ACCESS_REFUSED|403/.test(msg) || /authentication/i.test(msg)) return { errorClass: 'config', message: `RabbitMQ refused: ${msg}`, drop: true };
    if (code === 404 || code === 530 || code === 406) return { errorClass: 'config', message: `RabbitMQ refused: ${msg}`, drop: true };
    return { errorClass: 'network', message: msg, drop: true };
  }
}

class NackError extends Error {
  constructor() {
    super('RabbitMQ nacked the message (basic.nack)');
  }
}

export function createAmqpTarget(spec: SpecObject, deps: TargetDeps): Target {
  const options = brokerOptionsOf(spec);
  return new BrokerTarget(new AmqpDriver(spec, options.timeoutMs), options, deps);
}
