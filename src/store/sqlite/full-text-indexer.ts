import type { Database, Statement } from 'better-sqlite3';

export interface FullTextIndexerOptions {
  /** Longest an appended event waits before it is indexed (a text search indexes at once). */
  readonly flushDelayMs: number;
  /** Appended events that trigger a flush without waiting. */
  readonly maxPending: number;
}

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
 */
export class FullTextIndexer {
  readonly #opts: FullTextIndexerOptions;
  readonly #db: Database;
  readonly #indexRange: Statement<[number, number]>;
  readonly #indexOne: Statement<[number | bigint, string]>;
  readonly #flushTx: () => void;
  #indexedUpTo: number;
  #appendedUpTo: number;
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Database, opts: FullTextIndexerOptions) {
    this.#opts = opts;
    this.#db = db;
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
  }

  /** Indexes what an earlier run appended but had not indexed (after a crash); call once at open. */
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

  /** After an append's commit: schedules the next flush (or runs it when enough is waiting). */
  committed(): void {
    if (this.#pending === 0) return;
    if (this.#pending >= this.#opts.maxPending) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#opts.flushDelayMs).unref();
  }

  /** Indexes every appended event now, in one transaction. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    // A closed connection (the store closed, or a test dropped it) has nothing left to index into;
    // whatever was not indexed is found by catchUp when the file is opened again.
    if (this.#appendedUpTo <= this.#indexedUpTo || !this.#db.open) return;
    this.#flushTx();
    this.#indexedUpTo = this.#appendedUpTo;
    this.#pending = 0;
  }

  close(): void {
    this.flush();
  }
}
