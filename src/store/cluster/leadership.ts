// Once-per-cluster work (the retention sweep, sampling, system schedules) runs on the node that
// holds a PostgreSQL session advisory lock. The lock lives as long as its session: a node that
// dies or loses its connection loses it, and another node's next try takes it over.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { StoreLog } from '../write-health.js';

export interface LeadershipOptions {
  readonly url: string;
  /** What is led (the schema and stream prefix): clusters sharing a server do not contend. */
  readonly key: string;
  readonly log: StoreLog;
  /** How often a follower tries to take the lock (default 2 s). */
  readonly retryMs?: number;
}

/** Two 32-bit halves of a hash of the key (pg_try_advisory_lock(int4, int4)). */
function lockIds(key: string): [number, number] {
  const h = createHash('sha256').update(key).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

export class Leadership {
  readonly #o: LeadershipOptions;
  readonly #ids: [number, number];
  #client: pg.Client | undefined;
  #leading = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(o: LeadershipOptions) {
    this.#o = o;
    this.#ids = lockIds(o.key);
  }

  /** Starts trying; resolves after the first try. */
  static async start(o: LeadershipOptions): Promise<Leadership> {
    const l = new Leadership(o);
    await l.#try();
    return l;
  }

  /** Whether this node leads now. */
  get leading(): boolean {
    return this.#leading;
  }

  async #try(): Promise<void> {
    if (this.#stopped) return;
    try {
      if (this.#client === undefined) {
        const c = new pg.Client({ connectionString: this.#o.url });
        c.on('error', () => this.#lost());
        await c.connect();
        this.#client = c;
      }
      if (!this.#leading) {
        const { rows } = await this.#client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', this.#ids);
        if (rows[0]?.ok === true) {
          this.#leading = true;
          this.#o.log.info({ key: this.#o.key }, 'this node leads the cluster\'s once-per-cluster work');
        }
      } else {
        // Still connected: the session (and its lock) is alive.
        await this.#client.query('SELECT 1');
      }
    } catch {
      this.#lost();
    }
    this.#schedule();
  }

  #lost(): void {
    if (this.#leading) this.#o.log.warn({ key: this.#o.key }, 'this node no longer leads (its PostgreSQL session ended)');
    this.#leading = false;
    const c = this.#client;
    this.#client = undefined;
    c?.end().catch(() => undefined);
  }

  #schedule(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#try();
    }, this.#o.retryMs ?? 2000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#leading = false;
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
  }
}
