import type { Database, Statement } from 'better-sqlite3';
import { DEFAULT_WRITE_RETRY, retryDelayMs, silentStoreLog, type RetryBackoff, type StoreLog, type WriteHealth } from '../write-health.js';

export interface FullTextIndexerOptions {
  /** Longest an appended event waits before it is indexed (a text search indexes at once). */
  readonly flushDelayMs: number;
  /** Appended events that trigger a flush without waiting. */
  readonly maxPending: number;
  /** Where a failed flush is reported (a storage fault is logged there once per state change). */
  readonly health: WriteHealth;
  /** Any other flush error is logged here, once per run of failures. */
  readonly log?: StoreLog;
  /** When a failed flush is tried again. */
  readonly retry?: RetryBackoff;
}

/** The writer name of the indexer in WriteHealth (and the log). */
export const FULL_TEXT_WRITER = 'full-text index';

/**
 * Feeds the payload full-text index (`events_fts`, migration 005) in batches after the appends
 * instead of inside each append's transaction. An FTS5 insert writes a new index segment at every
 * commit that holds one, which at moderate rates (one put per commit) cost ~80 µs of the ~420 µs
 * of a put; indexed in batches of many events the same rows cost a fraction of that.
 *
 * What is indexed is a rowid range of `events`: (indexedUpTo, appendedUpTo]. Search stays exact:
 * a text search calls `flush` first (read-your-writes). A crash before a flush loses nothing: on
 * open, `catchUp` indexes every event above the highest indexed rowid. Should SQLite reuse a
 * rowid at or below the indexed range (the newest events of a bus were deleted), that event is
 * indexed at once, in its append's transaction, as before.
 *
 * Failures: flushing runs from timers and from the commit path, so it never throws. A failed
 * flush (the disk is full, an I/O error) leaves the range waiting and is tried again after a
 * backoff (`retry`), or sooner when another writer of the store recovers; meanwhile appends only
 * extend the range, and a text search finds what is indexed so far. The events themselves are
 * committed and readable either way.
 */
export class FullTextIndexer {
  readonly #opts: FullTextIndexerOptions;
  readonly #db: Database;
  readonly #log: StoreLog;
  readonly #retry: RetryBackoff;
  readonly #indexRange: Statement<[number, number]>;
  readonly #indexOne: Statement<[number | bigint, string]>;
  readonly #flushTx: () => void;
  #indexedUpTo: number;
  #appendedUpTo: number;
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Flushes failed in a row; while > 0 the timer is the retry and appends do not flush. */
  #failures = 0;
  #closed = false;

  constructor(db: Database, opts: FullTextIndexerOptions) {
    this.#opts = opts;
    this.#db = db;
    this.#log = opts.log ?? silentStoreLog;
    this.#retry = opts.retry ?? DEFAULT_WRITE_RETRY;
    this.#indexRange = db.prepare(
      "INSERT INTO events_fts (rowid, payload) SELECT rowid, coalesce(json_extract(body, '$.data'), '') FROM events WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
    );
    this.#indexOne = db.prepare("INSERT INTO events_fts (rowid, payload) VALUES (?, coalesce(json_extract(?, '$.data'), ''))");
    const highest = (db.prepare('SELECT rowid AS r FROM events_fts ORDER BY rowid DESC LIMIT 1').get() as { r: number } | undefined)?.r ?? 0;
    const last = (db.prepare('SELECT max(rowid) AS r FROM events').get() as { r: number | null }).r ?? 0;
    this.#indexedUpTo = highest;
    this.#appendedUpTo = Math.max(highest, last);
    this.#flushTx = db.transaction(() => {
      this.#indexRange.run(this.#indexedUpTo, this.#appendedUpTo);
    });
    // Another writer recovered (a put, or the free-space probe passed): space may be back, so
    // retry after the usual flush delay instead of at the end of the backoff.
    opts.health.onChange((writer, fault) => {
      if (fault !== undefined || writer === FULL_TEXT_WRITER || this.#failures === 0 || this.#closed) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.flush(), opts.flushDelayMs).unref();
    });
  }

  /**
   * Indexes what an earlier run appended but had not indexed (after a crash); call once at open.
   * On a full disk the store still opens: the catch-up is retried later.
   */
  catchUp(): void {
    this.flush();
  }

  /** An event was appended (called inside the append's transaction). */
  appended(rowid: number | bigint, body: string): void {
    const r = Number(rowid);
    if (r <= this.#indexedUpTo) {
      this.#indexOne.run(rowid, body);
      return;
    }
    if (r > this.#appendedUpTo) this.#appendedUpTo = r;
    this.#pending++;
  }

  /** After an append's commit: schedules the next flush (or runs it when enough is waiting). Never throws. */
  committed(): void {
    if (this.#pending === 0 || this.#failures > 0 || this.#closed) return;
    if (this.#pending >= this.#opts.maxPending) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#opts.flushDelayMs).unref();
  }

  /** Whether every appended event is indexed (false while flushes fail). */
  get upToDate(): boolean {
    return this.#appendedUpTo <= this.#indexedUpTo;
  }

  /**
   * Indexes every appended event now, in one transaction; true when nothing is left waiting.
   * Never throws: a failure is reported and retried after a backoff.
   */
  flush(): boolean {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    // A closed connection (the store closed, or a test dropped it) has nothing left to index into;
    // whatever was not indexed is found by catchUp when the file is opened again.
    if (this.#appendedUpTo <= this.#indexedUpTo || !this.#db.open) return true;
    try {
      this.#flushTx();
    } catch (err) {
      this.#failed(err);
      return false;
    }
    this.#indexedUpTo = this.#appendedUpTo;
    this.#pending = 0;
    if (this.#failures > 0) {
      this.#failures = 0;
      if (this.#opts.health.failing(FULL_TEXT_WRITER) === undefined) this.#log.info({ writer: FULL_TEXT_WRITER }, 'full-text indexing recovered');
      else this.#opts.health.succeeded(FULL_TEXT_WRITER);
    }
    return true;
  }

  #failed(err: unknown): void {
    this.#failures++;
    const fault = this.#opts.health.failed(FULL_TEXT_WRITER, err);
    if (!fault && this.#failures === 1) this.#log.error({ err, writer: FULL_TEXT_WRITER }, 'full-text indexing failed; retrying in the background');
    if (this.#closed) return;
    const delay = retryDelayMs(this.#failures, this.#retry);
    this.#timer = setTimeout(() => this.flush(), delay).unref();
  }

  /** Indexes what it can (a failure is left to the next open's catch-up) and stops the timers. */
  close(): void {
    this.#closed = true;
    this.flush();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
