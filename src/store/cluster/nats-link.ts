// The node's NATS connection: opened once at start (refusing to start when no server answers),
// then followed: while it is down the put path fails fast and the store reports the fault;
// the client reconnects by itself and the fault clears.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { unreachableAtStart } from './engine-fault.js';

export interface NatsLinkOptions {
  readonly servers: readonly string[];
  /** How long the first connection may take before the node refuses to start (ms). */
  readonly connectTimeoutMs: number;
  /** A JetStream request (publish ack, get) that takes longer fails (ms). */
  readonly requestTimeoutMs: number;
  readonly name: string;
}

export class NatsLink {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  #up = true;
  readonly #listeners: ((up: boolean) => void)[] = [];

  private constructor(nc: NatsConnection, js: JetStreamClient, jsm: JetStreamManager) {
    this.nc = nc;
    this.js = js;
    this.jsm = jsm;
    void this.#follow();
  }

  static async open(opts: NatsLinkOptions): Promise<NatsLink> {
    const where = opts.servers.join(',');
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: [...opts.servers], name: opts.name, timeout: opts.connectTimeoutMs,
        // Once running, never give up: a node outlives any outage of the servers.
        maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: false,
      });
    } catch (err) {
      throw unreachableAtStart('nats', where, err);
    }
    try {
      const jsm = await jetstreamManager(nc, { timeout: opts.requestTimeoutMs });
      return new NatsLink(nc, jetstream(nc, { timeout: opts.requestTimeoutMs }), jsm);
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw unreachableAtStart('nats', `${where} (JetStream)`, err);
    }
  }

  /** Whether the connection is up now. */
  get up(): boolean {
    return this.#up && !this.nc.isClosed();
  }

  /** Told when the connection goes down (false) or comes back (true). */
  onChange(listener: (up: boolean) => void): void {
    this.#listeners.push(listener);
  }

  async #follow(): Promise<void> {
    for await (const s of this.nc.status()) {
      const up = s.type === 'disconnect' ? false : s.type === 'reconnect' ? true : undefined;
      if (up === undefined || up === this.#up) continue;
      this.#up = up;
      for (const l of this.#listeners) l(up);
    }
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
