import type { ErrorClass, OutboundMessage, SendOutcome, Target } from '../../target.js';
import { findBlocked } from '../../ssrf/index.js';
import type { TargetDeps } from '../deps.js';
import { guardBrokerHost, withCredentials, type BrokerCredentials } from './broker-url.js';
import { encodeForBroker, type BrokerMessage, type ContentMode } from './ce-binding.js';
import { SendWatch } from './send-watch.js';

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
 * order; it fails with UnsendableError (thrown, or as the rejection) for a message no retry can send.
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

/**
 * A target that publishes to a message broker through one pooled connection (a driver's
 * client), opened on the first send and shared by concurrent sends. A connection error drops
 * the connection (closing it) so the next send, a retry, opens a fresh one; the target's
 * `close` closes it for good. Success only on the broker's confirmation; every failure is a
 * classified `failed` outcome, never a rejection.
 *
 * A send's timeout and abort signal are watched by the target's {@link SendWatch}: no timer
 * and no abort listener per send.
 */
export class BrokerTarget<C> implements Target {
  readonly kind: string;
  readonly #driver: BrokerDriver<C>;
  readonly #o: BrokerTargetOptions;
  readonly #deps: TargetDeps;
  #client: Promise<C> | undefined;
  /** The current connection once it opened (the value of `#client`), so a send need not await it. */
  #ready: { readonly p: Promise<C>; readonly c: C } | undefined;
  #closed = false;
  readonly #watch = new SendWatch();

  constructor(driver: BrokerDriver<C>, options: BrokerTargetOptions, deps: TargetDeps) {
    this.kind = driver.kind;
    this.#driver = driver;
    this.#o = options;
    this.#deps = deps;
  }

  send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    if (this.#closed) return Promise.resolve(this.#failed(started, 'config', 'target is closed'));
    if (signal.aborted) return Promise.resolve(this.#failed(started, 'network', 'aborted'));
    if (messages.length === 0) return Promise.resolve({ type: 'delivered', durationMs: 0 });
    let encoded: BrokerMessage[];
    try {
      encoded = messages.map((m) => encodeForBroker(m, this.#o.mode));
    } catch (err) {
      return Promise.resolve(this.#failed(started, 'rejected', `could not encode the message: ${(err as Error).message}`));
    }
    return new Promise<SendOutcome>((resolve) => {
      let client: Promise<C> | undefined;
      const w = this.#watch.add(started + this.#o.timeoutMs, signal, (why) => {
        if (why === 'aborted') return resolve(this.#failed(started, 'network', 'aborted'));
        // The connection may be stuck (a broker that stopped answering): start afresh next time.
        this.#drop(client);
        resolve(this.#failed(started, 'timeout', `timed out after ${this.#o.timeoutMs} ms waiting for the broker`));
      });
      const done = (): void => {
        if (w.end()) resolve({ type: 'delivered', durationMs: this.#duration(started) });
      };
      const fail = (err: unknown): void => {
        if (w.end()) resolve(this.#classified(err, started, client, signal));
      };
      try {
        const ready = this.#ready;
        if (ready !== undefined) {
          client = ready.p;
          this.#driver.publish(ready.c, encoded).then(done, fail);
        } else {
          client = this.#connection();
          // a send that timed out while connecting publishes nothing
          client.then((c) => (w.open ? this.#driver.publish(c, encoded) : undefined)).then(done, fail);
        }
      } catch (err) {
        fail(err);
      }
    });
  }

  #duration(started: number): number {
    return Math.round((performance.now() - started) * 1000) / 1000;
  }

  #failed(started: number, errorClass: ErrorClass, message: string): SendOutcome {
    return { type: 'failed', durationMs: this.#duration(started), errorClass, message };
  }

  #classified(err: unknown, started: number, client: Promise<C> | undefined, signal: AbortSignal): SendOutcome {
    if (err instanceof UnsendableError) return this.#failed(started, 'rejected', err.message);
    if (signal.aborted) return this.#failed(started, 'network', 'aborted');
    const blocked = findBlocked(err);
    if (blocked !== undefined) {
      this.#drop(client);
      return this.#failed(started, 'blocked', blocked.message);
    }
    const f = this.#driver.classify(err);
    if (f.drop) this.#drop(client);
    return this.#failed(started, f.errorClass, f.message);
  }

  #connection(): Promise<C> {
    if (this.#client !== undefined) return this.#client;
    const holder: { p?: Promise<C> } = {};
    const p = this.#open(() => this.#drop(holder.p));
    holder.p = p;
    this.#client = p;
    p.then((c) => {
      if (this.#client === p) this.#ready = { p, c };
    }, () => {
      // a failed connect is forgotten at once, so the next send tries again
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
    this.#ready = undefined;
    client.then((c) => this.#driver.close(c), () => undefined).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const ready = this.#ready;
    const opening = this.#client;
    this.#client = undefined;
    this.#ready = undefined;
    // A connection still opening is not waited for: a server that accepted the socket but never
    // answers the handshake would hold close (and the server's shutdown) for as long as the
    // driver's own connect timeout, or for ever. It is closed when it opens: by #open, which sees
    // #closed, or here when it had just opened.
    if (ready === undefined || ready.p !== opening) {
      opening?.then((c) => this.#driver.close(c)).catch(() => undefined);
    }
    if (ready !== undefined) {
      try {
        await this.#driver.close(ready.c);
      } catch {
        // one the broker closed already
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
