import pg from 'pg';
import { ChangeFeed, type CatalogChange } from '../../change-feed.js';
import type { StoreLog } from '../../write-health.js';
import type { TargetKey, WorkListener } from '../../delivery-types.js';
import { MAX_NOTIFY_PAYLOAD, channelsOf } from './notify-channels.js';
import { clientConfig, quoteIdent, type Queryable } from './pg-client.js';

/** A catalog change as notified: its row id in catalog_changes, and the change unless too long for a payload. */
interface ChangeNote { readonly id: number; readonly c?: CatalogChange }
/** A circuit breaker's row as notified (breaker-board.ts writes it): bus, rule, target, failures, open_until, probe_until, version. */
export type BreakerNote = readonly [string, string, string, number, number | null, number | null, number];
/** A work hint as notified: the node that sent it and the targets. */
interface WorkNote { readonly n: string; readonly k: readonly (readonly [string, string, string])[] }

export interface ChangeRelayOptions {
  readonly url: string;
  readonly schema: string;
  /** Names this node in its work hints (it tells its own listeners in-process). */
  readonly nodeId: string;
  readonly log: StoreLog;
  /** Reads catalog_changes (catch-up after a reconnect, changes too long for a payload). */
  readonly pool: pg.Pool;
  /** Longest a writer waits for its own change to come back before resolving anyway (default 2 s). */
  readonly ownChangeWaitMs?: number;
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * The cluster's change feeds over LISTEN/NOTIFY, on one dedicated connection per node.
 *
 * Catalog changes: a write records each change in `catalog_changes` and NOTIFYs it in its own
 * transaction, so PostgreSQL delivers it only after the commit, in commit order, to every node —
 * the writer's own included. Every node announces changes only as they come back from the
 * channel: all listeners everywhere see one order (the commit order). A writer then waits until
 * its own change has been announced on its node (read-your-writes for the node's in-memory
 * views), at most `ownChangeWaitMs`. After a lost connection the relay reconnects and announces
 * the rows of `catalog_changes` it missed, by id (a change committed with a lower id after
 * a higher one was read may be missed in that window: the views re-read on the next change).
 *
 * Work hints: NOTIFY on the work channel, relayed to this node's listeners unless this node sent
 * them (those were told in-process at commit). A hint is only a hint: dispatchers also scan.
 */
export class ChangeRelay {
  readonly feed: ChangeFeed;
  readonly #opts: ChangeRelayOptions;
  readonly #channels: { readonly catalog: string; readonly work: string; readonly breaker: string };
  readonly #work = new Set<{ readonly fn: WorkListener }>();
  readonly #breakers = new Set<{ readonly fn: (note: BreakerNote) => void; readonly resync: () => void }>();
  #client: pg.Client | undefined;
  #connected = false;
  #closed = false;
  #lastId = 0;
  #chain: Promise<void> = Promise.resolve();
  #waiters: { id: number; resolve: () => void }[] = [];
  #reconnectMs = RECONNECT_MIN_MS;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: ChangeRelayOptions) {
    this.#opts = opts;
    this.feed = new ChangeFeed(opts.log);
    this.#channels = channelsOf(opts.schema);
  }

  /** Connects and listens; rejects when PostgreSQL cannot be reached. */
  async start(): Promise<void> {
    const { rows } = await this.#opts.pool.query<{ id: number | null }>('SELECT max(id) AS id FROM catalog_changes');
    this.#lastId = rows[0]?.id ?? 0;
    await this.#connect();
  }

  get connected(): boolean {
    return this.#connected;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(clientConfig(this.#opts.url, this.#opts.schema));
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, undefined));
    client.on('notification', (m) => this.#onNotification(m));
    await client.connect();
    try {
      await client.query(`LISTEN ${quoteIdent(this.#channels.catalog)}`);
      await client.query(`LISTEN ${quoteIdent(this.#channels.work)}`);
      await client.query(`LISTEN ${quoteIdent(this.#channels.breaker)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.#client = client;
    this.#connected = true;
    this.#reconnectMs = RECONNECT_MIN_MS;
  }

  #lost(client: pg.Client, err: Error | undefined): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#connected = false;
    // Writers waiting for their change to come back stop waiting: the feed catches up later.
    for (const w of this.#waiters.splice(0)) w.resolve();
    if (this.#closed) return;
    this.#opts.log.warn({ err }, 'PostgreSQL change feed connection lost; reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect()
        .then(() => {
          this.#enqueue(() => this.#catchUp());
          for (const l of [...this.#breakers]) l.resync();
        })
        .catch((err: unknown) => {
          this.#opts.log.warn({ err }, 'PostgreSQL change feed reconnect failed');
          this.#reconnectMs = Math.min(RECONNECT_MAX_MS, this.#reconnectMs * 2);
          this.#scheduleReconnect();
        });
    }, this.#reconnectMs);
    this.#timer.unref();
  }

  async #catchUp(): Promise<void> {
    const { rows } = await this.#opts.pool.query<{ id: number; change: string }>('SELECT id, change FROM catalog_changes WHERE id > $1 ORDER BY id', [this.#lastId]);
    for (const r of rows) this.#announce(r.id, JSON.parse(r.change) as CatalogChange);
  }

  /** Notifications are handled one at a time, in arrival order (some need a read first). */
  #enqueue(step: () => Promise<void> | void): void {
    this.#chain = this.#chain.then(step).catch((err: unknown) => this.#opts.log.error({ err }, 'PostgreSQL change feed failed to relay a notification'));
  }

  #onNotification(m: pg.Notification): void {
    if (m.payload === undefined) return;
    const payload = m.payload;
    if (m.channel === this.#channels.work) {
      // Runs in the client's event handler: a payload this node cannot read is logged, never thrown.
      try {
        const note = JSON.parse(payload) as WorkNote;
        if (note.n !== this.#opts.nodeId) this.tellWork(note.k.map(([bus, rule, target]) => ({ bus, rule, target })));
      } catch (err) {
        this.#opts.log.warn({ err }, 'PostgreSQL change feed: unreadable work hint ignored');
      }
      return;
    }
    if (m.channel === this.#channels.breaker) {
      try {
        const note = JSON.parse(payload) as BreakerNote;
        for (const l of [...this.#breakers]) l.fn(note);
      } catch (err) {
        this.#opts.log.warn({ err }, 'PostgreSQL change feed: unreadable circuit breaker notice ignored');
      }
      return;
    }
    this.#enqueue(async () => {
      const note = JSON.parse(payload) as ChangeNote;
      if (note.c !== undefined) return this.#announce(note.id, note.c);
      const { rows } = await this.#opts.pool.query<{ change: string }>('SELECT change FROM catalog_changes WHERE id = $1', [note.id]);
      if (rows[0] !== undefined) this.#announce(note.id, JSON.parse(rows[0].change) as CatalogChange);
    });
  }

  #announce(id: number, change: CatalogChange): void {
    if (id > this.#lastId) this.#lastId = id;
    this.feed.announce(change);
    this.#waiters = this.#waiters.filter((w) => {
      if (w.id > this.#lastId) return true;
      w.resolve();
      return false;
    });
  }

  /**
   * Records changes inside the writer's transaction (`c`) and NOTIFYs them; answers the highest
   * id, for {@link seen} after the commit.
   */
  async record(c: Queryable, changes: readonly CatalogChange[]): Promise<number> {
    let last = 0;
    for (const change of changes) {
      const text = JSON.stringify(change);
      const { rows } = await c.query<{ id: number }>('INSERT INTO catalog_changes (change) VALUES ($1) RETURNING id', [text]);
      last = rows[0]!.id;
      const note: ChangeNote = Buffer.byteLength(text) <= MAX_NOTIFY_PAYLOAD ? { id: last, c: change } : { id: last };
      await c.query('SELECT pg_notify($1, $2)', [this.#channels.catalog, JSON.stringify(note)]);
    }
    return last;
  }

  /** Resolves once the change with this id (and every earlier one) was announced here, or after the wait limit. */
  async seen(id: number): Promise<void> {
    if (id <= this.#lastId || !this.#connected || this.#closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(), this.#opts.ownChangeWaitMs ?? 2000);
      timer.unref();
      this.#waiters.push({ id, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  watchWork(listener: WorkListener): () => void {
    const entry = { fn: listener };
    this.#work.add(entry);
    return () => void this.#work.delete(entry);
  }

  /** The channel circuit breaker writes NOTIFY on (every node's writes, this node's included). */
  get breakerChannel(): string {
    return this.#channels.breaker;
  }

  /**
   * Listens for circuit breaker changes (breaker-board.ts). Notices sent while the connection was
   * down are lost: `resync` is called once it is back, to read the breakers again.
   */
  watchBreakers(listener: (note: BreakerNote) => void, resync: () => void): () => void {
    const entry = { fn: listener, resync };
    this.#breakers.add(entry);
    return () => void this.#breakers.delete(entry);
  }

  /** Tells this node's work listeners (in-process: after a local commit, or relayed). */
  tellWork(keys: readonly TargetKey[]): void {
    if (keys.length === 0) return;
    for (const l of [...this.#work]) {
      try {
        l.fn(keys);
      } catch (err) {
        this.#opts.log.error({ err }, 'delivery work listener failed');
      }
    }
  }

  /** NOTIFYs other nodes, inside the writer's transaction, that these targets have work. */
  async notifyWork(c: Queryable, keys: readonly TargetKey[]): Promise<void> {
    let batch: [string, string, string][] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const note: WorkNote = { n: this.#opts.nodeId, k: batch };
      await c.query('SELECT pg_notify($1, $2)', [this.#channels.work, JSON.stringify(note)]);
      batch = [];
      bytes = 0;
    };
    for (const k of keys) {
      const size = Buffer.byteLength(k.bus) + Buffer.byteLength(k.rule) + Buffer.byteLength(k.target) + 16;
      // A key too long for any payload is left to the dispatchers' own scan.
      if (size > MAX_NOTIFY_PAYLOAD - 100) continue;
      if (bytes + size > MAX_NOTIFY_PAYLOAD - 100) await flush();
      batch.push([k.bus, k.rule, k.target]);
      bytes += size;
    }
    await flush();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const w of this.#waiters.splice(0)) w.resolve();
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    await this.#chain;
    await client?.end().catch(() => undefined);
  }
}
