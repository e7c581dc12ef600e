import type { ErrorClass, OutboundMessage, SendOutcome, Target } from '../../target.js';
import { findBlocked } from '../../ssrf/index.js';
import type { TargetDeps } from '../deps.js';
import { guardBrokerHost, withCredentials, type BrokerCredentials } from './broker-url.js';
import { encodeForBroker, type BrokerMessage, type ContentMode } from './ce-binding.js';

/** A failure a driver knows how to classify; `drop`: the connection is unusable, reconnect next time. */
export interface DriverFailure {
  readonly errorClass: ErrorClass;
  readonly message: string;
  readonly drop: boolean;
}

/** A message failed before reaching the broker (a key that cannot be rendered, a payload over a limit): not retried. */
export class UnsendableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsendableError';
  }
}

/**
 * What one broker kind supplies to {@link BrokerTarget}. `publish` resolves only once the broker
 * confirmed every message (JetStream ack, publisher confirm, PUBACK, command reply, commit), in
 * order; it throws UnsendableError for a message no retry can send.
 */
export interface BrokerDriver<C> {
  readonly kind: string;
  /** Opens a connection. `onLost` is called when the broker closes it later. */
  connect(url: URL, onLost: () => void): Promise<C>;
  publish(client: C, messages: readonly BrokerMessage[]): Promise<void>;
  close(client: C): Promise<void>;
  classify(err: unknown): DriverFailure;
}

/** The settings every broker kind shares. */
export interface BrokerTargetOptions {
  readonly url: string;
  readonly connection?: string;
  readonly mode: ContentMode;
  /** Bounds connect + publish + confirmation of one send (the target's `timeoutMs`). */
  readonly timeoutMs: number;
}

class TimeoutError extends Error {}

/**
 * A target that publishes to a message broker through one pooled connection (a driver's
 * client), opened on the first send and shared by concurrent sends. A connection error drops
 * the connection (closing it) so the next send, a retry, opens a fresh one; the target's
 * `close` closes it for good. Success only on the broker's confirmation; every failure is a
 * classified `failed` outcome, never a rejection.
 */
export class BrokerTarget<C> implements Target {
  readonly kind: string;
  readonly #driver: BrokerDriver<C>;
  readonly #o: BrokerTargetOptions;
  readonly #deps: TargetDeps;
  #client: Promise<C> | undefined;
  #closed = false;

  constructor(driver: BrokerDriver<C>, options: BrokerTargetOptions, deps: TargetDeps) {
    this.kind = driver.kind;
    this.#driver = driver;
    this.#o = options;
    this.#deps = deps;
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const duration = (): number => Math.round((performance.now() - started) * 1000) / 1000;
    const failed = (errorClass: ErrorClass, message: string): SendOutcome => ({ type: 'failed', durationMs: duration(), errorClass, message });
    if (this.#closed) return failed('config', 'target is closed');
    if (signal.aborted) return failed('network', 'aborted');
    if (messages.length === 0) return { type: 'delivered', durationMs: 0 };
    const encoded = messages.map((m) => encodeForBroker(m, this.#o.mode));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const bounds = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError('timed out')), this.#o.timeoutMs);
      onAbort = () => reject(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    bounds.catch(() => undefined);
    let client: Promise<C> | undefined;
    try {
      client = this.#connection();
      const c = await Promise.race([client, bounds]);
      await Promise.race([this.#driver.publish(c, encoded), bounds]);
      return { type: 'delivered', durationMs: duration() };
    } catch (err) {
      if (err instanceof UnsendableError) return failed('rejected', err.message);
      if (err instanceof TimeoutError) {
        // The connection may be stuck (a broker that stopped answering): start afresh next time.
        this.#drop(client);
        return failed('timeout', `timed out after ${this.#o.timeoutMs} ms waiting for the broker`);
      }
      if (signal.aborted) return failed('network', 'aborted');
      const blocked = findBlocked(err);
      if (blocked !== undefined) {
        this.#drop(client);
        return failed('blocked', blocked.message);
      }
      const f = this.#driver.classify(err);
      if (f.drop) this.#drop(client);
      return failed(f.errorClass, f.message);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  }

  #connection(): Promise<C> {
    if (this.#client !== undefined) return this.#client;
    const holder: { p?: Promise<C> } = {};
    const p = this.#open(() => this.#drop(holder.p));
    holder.p = p;
    this.#client = p;
    // a failed connect is forgotten at once, so the next send tries again
    p.catch(() => {
      if (this.#client === p) this.#client = undefined;
    });
    return p;
  }

  async #open(onLost: () => void): Promise<C> {
    let credentials: BrokerCredentials | undefined;
    if (this.#o.connection !== undefined) {
      const spec = await this.#deps.connections.credentials(this.#o.connection);
      if (spec === undefined) throw Object.assign(new Error(`connection "${this.#o.connection}" does not exist`), { swyConfig: true });
      if (spec.kind !== 'basic') throw Object.assign(new Error(`connection "${this.#o.connection}" is a ${spec.kind} connection; a ${this.kind} target takes a basic one`), { swyConfig: true });
      credentials = { username: spec.username, password: spec.password };
    }
    const url = withCredentials(this.#o.url, credentials);
    if (!this.#deps.allowPrivateNetworks) await guardBrokerHost(url);
    const client = await this.#driver.connect(url, onLost);
    if (this.#closed) {
      await this.#driver.close(client).catch(() => undefined);
      throw new Error('target is closed');
    }
    return client;
  }

  /** Forgets `client` (when it is still the current one) and closes it in the background. */
  #drop(client: Promise<C> | undefined): void {
    if (client === undefined || this.#client !== client) return;
    this.#client = undefined;
    client.then((c) => this.#driver.close(c), () => undefined).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#client;
    this.#client = undefined;
    if (c !== undefined) {
      try {
        await this.#driver.close(await c);
      } catch {
        // a connection that never opened, or one the broker closed already
      }
    }
  }
}

/** Classifies a connection-level failure common to every client (refused, reset, DNS). */
export function networkFailure(err: unknown): DriverFailure | undefined {
  const e = err as { code?: unknown; message?: string; swyConfig?: boolean };
  if (e.swyConfig === true) return { errorClass: 'config', message: e.message ?? 'bad connection', drop: true };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined && /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNABORTED)$/.test(code)) {
    return { errorClass: code === 'ETIMEDOUT' ? 'timeout' : 'network', message: `${code}: ${e.message ?? ''}`, drop: true };
  }
  return undefined;
}
