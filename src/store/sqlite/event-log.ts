import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { ContentMode } from '../../events/index.js';
import { GroupCommitter } from '../group-commit.js';
import type { SqliteDeliveryQueue } from './delivery-queue.js';
import type { FullTextIndexer } from './full-text-indexer.js';
import type { SqliteEventTypes } from './event-types.js';
import type { AppendItem, AppendOutcome, EventLog, EventPage, EventQuery, StoredEvent } from '../types.js';
import { APPEND_WRITER, type WriteHealth } from '../write-health.js';

interface EventRow {
  bus: string;
  seq: number;
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string | null;
  received_at: number;
  mode: string;
  size: number;
  matched: string;
  body: string;
}

const COLUMNS = 'bus, seq, id, source, type, subject, time, received_at, mode, size, matched, body';

function toStored(r: EventRow): StoredEvent {
  return {
    bus: r.bus,
    sequence: r.seq,
    receivedAt: r.received_at,
    id: r.id,
    source: r.source,
    type: r.type,
    subject: r.subject,
    time: r.time,
    mode: r.mode as ContentMode,
    size: r.size,
    matchedRules: r.matched === '' ? [] : (JSON.parse(r.matched) as string[]),
    body: r.body,
  };
}

export interface SqliteEventLogOptions {
  readonly clock: Clock;
  readonly dedupeWindowMs: number;
  readonly groupCommitMaxEvents: number;
  /** Told of each commit's outcome: a full disk fails the appends (SWY_STORE_UNAVAILABLE) and marks the put path failing. */
  readonly health: WriteHealth;
}

/**
 * The event log on SQLite. Appends are group-committed: one write transaction per turn of the
 * event loop holds every append submitted during it, so the 2xx for each is sent only after
 * the commit and the cost of a commit is shared.
 */
export class SqliteEventLog implements EventLog {
  readonly #db: Database;
  readonly #opts: SqliteEventLogOptions;
  readonly #committer: GroupCommitter<AppendItem, AppendOutcome>;
  readonly #s: {
    nextSeq: Statement<[string], { next_seq: number }>;
    setSeq: Statement<[number, string]>;
    dedupeGet: Statement<[string, string, string], { seq: number; received_at: number }>;
    dedupePut: Statement<[string, string, string, number, number, number]>;
    insert: Statement<[string, number, string, string, string, string | null, string | null, number, string, number, string, string, string | null, string | null, string | null]>;
    getById: Statement<[string, string], EventRow>;
    getByIdSource: Statement<[string, string, string], EventRow>;
    count: Statement<[string], { n: number }>;
  };
  readonly #listStatements = new Map<string, Statement<(string | number)[], EventRow>>();
  #closed = false;

  readonly #queue: SqliteDeliveryQueue | undefined;
  readonly #fullText: FullTextIndexer;
  readonly #types: SqliteEventTypes | undefined;

  /**
   * With a queue, each item's `deliveries` are enqueued in the transaction that appends it. The
   * payload full-text index (migrations 005, 008) is fed by `fullText` after the commit. With
   * `types`, the event catalogue (migration 012) is kept in the same transaction.
   */
  constructor(db: Database, opts: SqliteEventLogOptions, fullText: FullTextIndexer, queue?: SqliteDeliveryQueue, types?: SqliteEventTypes) {
    this.#db = db;
    this.#types = types;
    this.#queue = queue;
    this.#fullText = fullText;
    this.#opts = opts;
    this.#s = {
      nextSeq: db.prepare('SELECT next_seq FROM buses WHERE name = ?'),
      setSeq: db.prepare('UPDATE buses SET next_seq = ? WHERE name = ?'),
      dedupeGet: db.prepare('SELECT seq, received_at FROM dedupe WHERE bus = ? AND source = ? AND id = ?'),
      // One statement on the happy path: inserts a first sighting, or takes over an entry that
      // has left the window; changes === 0 means the entry is a duplicate still inside it.
      dedupePut: db.prepare(
        'INSERT INTO dedupe (bus, source, id, seq, received_at) VALUES (?, ?, ?, ?, ?) '
        + 'ON CONFLICT (bus, source, id) DO UPDATE SET seq = excluded.seq, received_at = excluded.received_at WHERE dedupe.received_at <= ?',
      ),
      // client and traceparent (migration 005) and via (022) are written, never read here: src/observe reads them.
      insert: db.prepare(`INSERT INTO events (${COLUMNS}, client, traceparent, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getById: db.prepare(`SELECT ${COLUMNS} FROM events WHERE bus = ? AND id = ? ORDER BY seq DESC LIMIT 1`),
      getByIdSource: db.prepare(`SELECT ${COLUMNS} FROM events WHERE bus = ? AND id = ? AND source = ? ORDER BY seq DESC LIMIT 1`),
      count: db.prepare('SELECT COUNT(*) AS n FROM events WHERE bus = ?'),
    };
    const tx = db.transaction((items: AppendItem[]) => this.#write(items));
    this.#committer = new GroupCommitter((items) => {
      try {
        return opts.health.run(APPEND_WRITER, () => tx(items));
      } finally {
        // Neither may throw: the transaction has committed (or rolled back) and its outcome stands.
        this.#fullText.committed();
        // After the commit (or rollback: then a harmless spurious wake-up) the dispatcher is told.
        this.#queue?.announce();
      }
    }, opts.groupCommitMaxEvents);
  }

  append(items: readonly AppendItem[]): Promise<AppendOutcome[]> {
    if (this.#closed) return Promise.reject(new Error('event log is closed'));
    if (items.length === 0) return Promise.resolve([]);
    return this.#committer.submit(items);
  }

  /** Runs inside one write transaction: dedupe, assign sequences, insert. */
  #write(items: AppendItem[]): AppendOutcome[] {
    const now = this.#opts.clock.now();
    const window = this.#opts.dedupeWindowMs;
    const next = new Map<string, number>();
    const out: AppendOutcome[] = [];
    const tally = this.#types?.begin();
    for (const it of items) {
      let seq = next.get(it.bus);
      if (seq === undefined) {
        const row = this.#s.nextSeq.get(it.bus);
        if (row === undefined) {
          out.push({ type: 'rejected', code: 'SWY_STORE_BUS_NOT_FOUND', message: `bus "${it.bus}" does not exist` });
          continue;
        }
        seq = row.next_seq;
      }
      if (window > 0 && this.#s.dedupePut.run(it.bus, it.source, it.id, seq, now, now - window).changes === 0) {
        const seen = this.#s.dedupeGet.get(it.bus, it.source, it.id)!;
        out.push({ type: 'duplicate', sequence: seen.seq, receivedAt: seen.received_at });
        next.set(it.bus, seq);
        continue;
      }
      const matched = it.matchedRules.length === 0 ? '' : JSON.stringify(it.matchedRules);
      const { lastInsertRowid } = this.#s.insert.run(it.bus, seq, it.id, it.source, it.type, it.subject ?? null, it.time ?? null, now, it.mode, it.size, matched, it.body, it.client ?? null, it.traceparent ?? null, it.via ?? null);
      this.#fullText.appended(lastInsertRowid, it.body);
      if (it.deliveries !== undefined && it.deliveries.length > 0) this.#queue?.enqueue(it.bus, seq, it.id, it.deliveries, now);
      tally?.add(it.bus, it.source, it.type, seq, it.id, it.body);
      out.push({ type: 'stored', sequence: seq, receivedAt: now });
      next.set(it.bus, seq + 1);
    }
    for (const [bus, seq] of next) this.#s.setSeq.run(seq, bus);
    tally?.write(now);
    return out;
  }

  async get(bus: string, id: string, source?: string): Promise<StoredEvent | undefined> {
    const row = source === undefined ? this.#s.getById.get(bus, id) : this.#s.getByIdSource.get(bus, id, source);
    return row === undefined ? undefined : toStored(row);
  }

  async list(q: EventQuery): Promise<EventPage> {
    const where: string[] = ['bus = ?'];
    const args: (string | number)[] = [q.bus];
    const add = (cond: string, v: string | number | undefined): void => {
      if (v === undefined) return;
      where.push(cond);
      args.push(v);
    };
    add('type = ?', q.type);
    add('source = ?', q.source);
    add('subject = ?', q.subject);
    add('received_at >= ?', q.from);
    add('received_at < ?', q.to);
    add('seq > ?', q.after);
    const sql = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`;
    // At most 64 distinct texts (one per combination of filters): each is prepared once.
    let stmt = this.#listStatements.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare<(string | number)[], EventRow>(sql);
      this.#listStatements.set(sql, stmt);
    }
    const rows = stmt.all(...args, q.limit + 1);
    const more = rows.length > q.limit;
    const items = (more ? rows.slice(0, q.limit) : rows).map(toStored);
    const last = items[items.length - 1];
    return more && last !== undefined ? { items, next: last.sequence } : { items };
  }

  async count(bus: string): Promise<number> {
    return this.#s.count.get(bus)?.n ?? 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#committer.drain();
  }
}
