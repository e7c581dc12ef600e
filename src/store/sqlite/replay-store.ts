import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../types.js';
import type {
  NewReplay, ReplayBound, ReplayQuery, ReplayRange, ReplayRecord, ReplayState, ReplayStep, ReplayStore,
} from '../replay-types.js';
import type { WriteHealth } from '../write-health.js';
import type { SqliteDeliveryQueue } from './delivery-queue.js';
import { archivedSeqAtOrAfter } from './archive-store.js';
import { replayEventOf, replayRecordOf as toRecord, type ReplayEventRow as EventRow, type ReplayRow } from '../replay-rows.js';

type Args = (string | number | null)[];

const WRITER = 'replays';
const EVENT_COLUMNS = 'seq, id, source, type, subject, time, received_at, mode, size, body';

/**
 * Replay jobs on SQLite (migration 013). `advance` enqueues a step's deliveries through the
 * delivery queue and moves the job's cursor in one transaction, then announces the work.
 * Reads cover the bus's log and, below its oldest stored sequence, its archives' copies.
 */
export class SqliteReplayStore implements ReplayStore {
  readonly #db: Database;
  readonly #queue: SqliteDeliveryQueue;
  readonly #health: WriteHealth;
  readonly #s: Record<string, Statement<Args, unknown>>;
  readonly #advanceTx: (id: string, step: ReplayStep, now: number) => boolean;

  constructor(db: Database, queue: SqliteDeliveryQueue, health: WriteHealth) {
    this.#db = db;
    this.#queue = queue;
    this.#health = health;
    const p = (sql: string): Statement<Args, unknown> => db.prepare<Args, unknown>(sql);
    this.#s = {
      head: p('SELECT next_seq FROM buses WHERE name = ?'),
      oldest: p('SELECT min(seq) AS s FROM events WHERE bus = ?'),
      firstAt: p('SELECT seq FROM events WHERE bus = ? AND received_at >= ? ORDER BY received_at, seq LIMIT 1'),
      lastBefore: p('SELECT seq FROM events WHERE bus = ? AND received_at < ? ORDER BY received_at DESC, seq DESC LIMIT 1'),
      aFirst: p('SELECT seq FROM archive_events WHERE bus = ? AND seq >= ? ORDER BY seq LIMIT 1'),
      aLast: p('SELECT seq FROM archive_events WHERE bus = ? AND seq < ? ORDER BY seq DESC LIMIT 1'),
      countLog: p('SELECT count(*) AS n FROM events WHERE bus = ? AND seq >= ? AND seq <= ?'),
      countArchived: p('SELECT count(DISTINCT seq) AS n FROM archive_events WHERE bus = ? AND seq >= ? AND seq <= ?'),
      readLog: p(`SELECT ${EVENT_COLUMNS} FROM events WHERE bus = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`),
      readArchived: p(`SELECT ${EVENT_COLUMNS} FROM archive_events WHERE bus = ? AND seq > ? AND seq <= ? GROUP BY seq ORDER BY seq LIMIT ?`),
      insert: p(`INSERT INTO replays (id, bus, kind, state, from_seq, to_seq, total, pattern, destination, rate, cursor, created_at, updated_at, running_since)
                 VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      get: p('SELECT * FROM replays WHERE id = ?'),
      state: p('SELECT state FROM replays WHERE id = ?'),
      toRunning: p('UPDATE replays SET state = ?, updated_at = ?, running_since = ?, processed_at_run = processed, error = NULL WHERE id = ?'),
      toOther: p('UPDATE replays SET state = ?, updated_at = ?, finished_at = ?, error = ? WHERE id = ?'),
      step: p(`UPDATE replays SET cursor = ?, processed = processed + ?, matched = matched + ?, enqueued = enqueued + ?, updated_at = ?,
                 state = CASE WHEN ? = 1 THEN 'completed' ELSE state END, finished_at = CASE WHEN ? = 1 THEN ? ELSE finished_at END
               WHERE id = ? AND state = 'running'`),
    };
    this.#advanceTx = db.transaction((id: string, step: ReplayStep, now: number): boolean => {
      const row = this.#s.get!.get(id) as ReplayRow | undefined;
      if (row?.state !== 'running') return false;
      this.#queue.enqueueReplayed(row.bus, id, step.deliveries, now);
      const done = step.done ? 1 : 0;
      this.#s.step!.run(step.cursor, step.processed, step.matched, step.deliveries.length, now, done, done, now, id);
      return true;
    });
  }

  async range(bus: string, from: ReplayBound, to: ReplayBound): Promise<ReplayRange | undefined> {
    const head = this.#s.head!.get(bus) as { next_seq: number } | undefined;
    if (head === undefined) return undefined;
    const last = head.next_seq - 1;
    const seqOf = (r: unknown): number | undefined => (r as { seq: number } | undefined)?.seq;
    let fromSeq: number;
    if ('sequence' in from) {
      fromSeq = Math.max(1, from.sequence);
    } else {
      const found = [seqOf(this.#s.firstAt!.get(bus, from.time)), seqOf(this.#s.aFirst!.get(bus, archivedSeqAtOrAfter(this.#db, bus, from.time)))].filter((s) => s !== undefined);
      fromSeq = found.length === 0 ? last + 1 : Math.min(...found);
    }
    let toSeq: number;
    if ('sequence' in to) {
      toSeq = Math.min(last, to.sequence);
    } else {
      const found = [seqOf(this.#s.lastBefore!.get(bus, to.time)), seqOf(this.#s.aLast!.get(bus, archivedSeqAtOrAfter(this.#db, bus, to.time)))].filter((s) => s !== undefined);
      toSeq = found.length === 0 ? fromSeq - 1 : Math.min(last, Math.max(...found));
    }
    if (toSeq < fromSeq) return { fromSeq, toSeq: fromSeq - 1, total: 0 };
    const oldest = (this.#s.oldest!.get(bus) as { s: number | null }).s ?? last + 1;
    const inLog = (this.#s.countLog!.get(bus, fromSeq, toSeq) as { n: number }).n;
    const archivedTo = Math.min(toSeq, oldest - 1);
    const inArchives = archivedTo < fromSeq ? 0 : (this.#s.countArchived!.get(bus, fromSeq, archivedTo) as { n: number }).n;
    return { fromSeq, toSeq, total: inLog + inArchives };
  }

  async read(bus: string, afterSeq: number, toSeq: number, limit: number): Promise<StoredEvent[]> {
    // Synchronous from here on: the oldest sequence and both reads see one state of the file.
    const oldest = (this.#s.oldest!.get(bus) as { s: number | null }).s;
    const rows: EventRow[] = [];
    const archivedTo = Math.min(toSeq, (oldest ?? Number.MAX_SAFE_INTEGER) - 1);
    if (afterSeq < archivedTo) rows.push(...this.#s.readArchived!.all(bus, afterSeq, archivedTo, limit) as EventRow[]);
    if (rows.length < limit && oldest !== null) {
      const after = Math.max(afterSeq, rows.length === 0 ? afterSeq : rows[rows.length - 1]!.seq);
      rows.push(...this.#s.readLog!.all(bus, after, toSeq, limit - rows.length) as EventRow[]);
    }
    return rows.map((r) => replayEventOf(bus, r));
  }

  async create(r: NewReplay, now: number): Promise<ReplayRecord> {
    this.#health.run(WRITER, () => this.#s.insert!.run(
      r.id, r.bus, r.kind, r.fromSeq, r.toSeq, r.total, r.pattern === null || r.pattern === undefined ? null : JSON.stringify(r.pattern),
      JSON.stringify(r.destination), r.ratePerSecond, r.fromSeq - 1, now, now, now,
    ));
    return toRecord(this.#s.get!.get(r.id) as ReplayRow);
  }

  async get(id: string): Promise<ReplayRecord | undefined> {
    const r = this.#s.get!.get(id) as ReplayRow | undefined;
    return r === undefined ? undefined : toRecord(r);
  }

  async list(q: ReplayQuery): Promise<ReplayRecord[]> {
    const where: string[] = [];
    const args: Args = [];
    if (q.bus !== undefined) { where.push('bus = ?'); args.push(q.bus); }
    if (q.state !== undefined) { where.push('state = ?'); args.push(q.state); }
    const sql = `SELECT * FROM replays ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.#db.prepare<Args, ReplayRow>(sql).all(...args, q.limit)).map(toRecord);
  }

  async transition(id: string, from: readonly ReplayState[], to: ReplayState, now: number, error?: string): Promise<{ replay: ReplayRecord; changed: boolean } | undefined> {
    return this.#health.run(WRITER, () => this.#db.transaction(() => {
      const row = this.#s.get!.get(id) as ReplayRow | undefined;
      if (row === undefined) return undefined;
      if (!from.includes(row.state as ReplayState)) return { replay: toRecord(row), changed: false };
      if (to === 'running') this.#s.toRunning!.run(to, now, now, id);
      else this.#s.toOther!.run(to, now, to === 'paused' ? null : now, error ?? null, id);
      return { replay: toRecord(this.#s.get!.get(id) as ReplayRow), changed: true };
    })());
  }

  async advance(id: string, step: ReplayStep, now: number): Promise<boolean> {
    const ok = this.#health.run(WRITER, () => this.#advanceTx(id, step, now));
    if (ok) this.#queue.announce();
    return ok;
  }
}
