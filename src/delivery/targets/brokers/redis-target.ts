import { createClient, ErrorReply, type RedisClientType } from '@redis/client';
import type { Violation } from '../../../core/index.js';
import type { Target } from '../../target.js';
import type { TargetDeps } from '../deps.js';
import { BrokerTarget, networkFailure, UnsendableError, type BrokerDriver, type DriverFailure } from './broker-target.js';
import type { BrokerMessage } from './ce-binding.js';
import { KeyTemplate } from '../key-template.js';
import { BROKER_FIELDS, brokerOptionsOf, checkBrokerFields } from './shared-spec.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const REDIS_FIELDS = [...BROKER_FIELDS, 'command', 'key', 'maxLen'] as const;

/** The largest MAXLEN accepted (a stream is trimmed approximately to it). */
const MAX_MAXLEN = 1_000_000_000;

export function checkRedisSpec(t: SpecObject, path: string, out: Violation[]): void {
  const command = t.command ?? 'xadd';
  if (command !== 'xadd' && command !== 'publish') out.push({ path: `${path}/command`, reason: 'must be "xadd" or "publish"' });
  // PUBLISH carries a payload only: no fields for binary mode's attributes.
  checkBrokerFields(t, ['redis', 'rediss'], path, out, command === 'publish' ? ['structured'] : ['binary', 'structured']);
  KeyTemplate.check(t, 'key', path, out);
  if (t.maxLen !== undefined) {
    if (command !== 'xadd') out.push({ path: `${path}/maxLen`, reason: 'applies to command "xadd" only' });
    else if (!Number.isInteger(t.maxLen) || (t.maxLen as number) < 1 || (t.maxLen as number) > MAX_MAXLEN) out.push({ path: `${path}/maxLen`, reason: `must be an integer from 1 to ${MAX_MAXLEN}` });
  }
}

type Client = RedisClientType;

const ignore = (): void => undefined;

/**
 * Redis streams (`XADD`, trimmed with `MAXLEN ~ n` when set) or pub/sub (`PUBLISH`). There is
 * no CloudEvents binding for Redis; entries mirror the NATS one: a `content-type` field and a
 * `data` field (the data in binary mode, the JSON-format event in structured mode), plus a
 * `ce-<name>` field per attribute in binary mode. A PUBLISH message is the structured event.
 * Success is the command's reply (the entry id; for PUBLISH, the receiver count — 0 receivers
 * is still a success, as pub/sub promises no more).
 */
class RedisDriver implements BrokerDriver<Client> {
  readonly kind = 'redis';
  readonly #command: 'xadd' | 'publish';
  readonly #key: KeyTemplate;
  /** MAXLEN as the command's argument. */
  readonly #maxLen: string | undefined;
  readonly #timeoutMs: number;

  constructor(spec: SpecObject, timeoutMs: number) {
    this.#command = (spec.command as 'xadd' | 'publish' | undefined) ?? 'xadd';
    this.#key = KeyTemplate.of(spec, 'key');
    this.#maxLen = spec.maxLen === undefined ? undefined : String(spec.maxLen);
    this.#timeoutMs = timeoutMs;
  }

  async connect(url: URL, onLost: () => void): Promise<Client> {
    const client: Client = createClient({
      url: url.href,
      socket: { connectTimeout: Math.min(this.#timeoutMs, 10_000), reconnectStrategy: false },
      // a command issued while disconnected fails at once instead of waiting for a reconnect
      disableOfflineQueue: true,
    });
    client.on('error', () => undefined);
    client.on('end', onLost);
    try {
      await client.connect();
    } catch (err) {
      client.destroy();
      // a reply during the handshake is the server refusing the credentials or the database
      if (err instanceof ErrorReply) throw Object.assign(new Error(`Redis refused the connection: ${err.message}`), { swyConfig: true });
      throw err;
    }
    return client;
  }

  #args(m: BrokerMessage): (string | Buffer)[] {
    const r = this.#key.render(m.json, m.source);
    if (!r.ok) throw new UnsendableError(r.reason);
    if (this.#command === 'publish') return ['PUBLISH', r.key, m.body];
    const args: (string | Buffer)[] = ['XADD', r.key];
    if (this.#maxLen !== undefined) args.push('MAXLEN', '~', this.#maxLen);
    args.push('*');
    if (m.contentType !== undefined) args.push('content-type', m.contentType);
    for (const [k, v] of m.attributes) args.push(`ce-${k}`, v);
    if (m.source.traceparent !== undefined) args.push('traceparent', m.source.traceparent);
    args.push('data', m.body);
    return args;
  }

  publish(c: Client, messages: readonly BrokerMessage[]): Promise<void> {
    // every message is checked before any is sent: an unsendable one fails the send as a whole
    const commands = messages.map((m) => this.#args(m));
    // One connection pipelines them in order; each reply confirms its command.
    if (commands.length === 1) return c.sendCommand(commands[0]!).then(ignore);
    return Promise.all(commands.map((args) => c.sendCommand(args))).then(ignore);
  }

  async close(c: Client): Promise<void> {
    if (c.isOpen) c.destroy();
  }

  classify(err: unknown): DriverFailure {
    const net = networkFailure(err);
    if (net !== undefined) return net;
    const msg = (err as Error).message ?? String(err);
    if (err instanceof ErrorReply) {
      const code = /^[A-Z]+/.exec(msg)?.[0] ?? '';
      if (['NOAUTH', 'WRONGPASS', 'NOPERM'].includes(code)) return { errorClass: 'config', message: `Redis refused: ${msg}`, drop: true };
      if (['OOM', 'LOADING', 'BUSY', 'MASTERDOWN', 'READONLY', 'TRYAGAIN', 'CLUSTERDOWN', 'MISCONF'].includes(code)) return { errorClass: 'io', message: `Redis: ${msg}`, drop: false };
      return { errorClass: 'rejected', message: `Redis refused the command: ${msg}`, drop: false };
    }
    return { errorClass: 'network', message: msg, drop: true };
  }
}

export function createRedisTarget(spec: SpecObject, deps: TargetDeps): Target {
  const options = brokerOptionsOf(spec, 'structured');
  return new BrokerTarget(new RedisDriver(spec, options.timeoutMs), options, deps);
}
