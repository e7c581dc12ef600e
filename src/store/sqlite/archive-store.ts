import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { ArchiveRecord, ArchiveStats, ArchiveStore, NewArchive } from '../archive-types.js';
import type { WriteHealth } from '../write-health.js';

interface ArchiveRow {
  bus: string; name: string; description: string | null; pattern: string | null; retention_ms: number | null; created_at: number; updated_at: number;
}

type Args = (string | number | null)[];

const toRecord = (r: ArchiveRow): ArchiveRecord => ({
  bus: r.bus, name: r.name, description: r.description, pattern: r.pattern === null ? null : JSON.parse(r.pattern) as unknown,
  retentionMs: r.retention_ms, createdAt: r.created_at, updatedAt: r.updated_at,
});

const WRITER = 'archives';

/**
 * The first archived sequence of a bus received at or after `time` (or one past the last):
 * receive times grow with sequences on a bus, so a binary search over the table's key finds it
 * with a few point reads instead of an index on received_at (migration 013).
 */
export function archivedSeqAtOrAfter(db: Database, bus: string, time: number): number {
  const max = db.prepare<[string], { s: number | null }>('SELECT max(seq) AS s FROM archive_events WHERE bus = ?').get(bus)?.s ?? null;
  if (max === null) return 0;
  const first = db.prepare<[string, number], { seq: number; received_at: number }>('SELECT seq, received_at FROM archive_events WHERE bus = ? AND seq >= ? ORDER BY seq LIMIT 1');
  let lo = 0;
  let hi = max + 1;
  // Every archived sequence below lo was received before `time`; none from hi on was.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = first.get(bus, mid);
    if (row === undefined || row.received_at >= time) hi = mid;
    else lo = row.seq + 1;
  }
  return lo;
}

/**
 * Archives on SQLite (migration 013). The archived copies are written by the event log's append
 * (event-log.ts) in its transaction; this class keeps the archives themselves and sweeps copies
 * past their archive's retention.
 */
export class SqliteArchiveStore implements ArchiveStore {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #health: WriteHealth;
  readonly #s: Record<string, Statement<Args, unknown>>;

  constructor(db: Database, clock: Clock, health: WriteHealth) {
    this.#db = db;
    this.#clock = clock;
    this.#health = health;
    const p = (sql: string): Statement<Args, unknown> => db.prepare<Args, unknown>(sql);
    this.#s = {
      bus: p('SELECT 1 AS x FROM buses WHERE name = ?'),
      get: p('SELECT * FROM archives WHERE bus = ? AND name = ?'),
      insert: p(`INSERT INTO archives (bus, name, description, pattern, retention_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (bus, name) DO UPDATE SET description = excluded.description, pattern = excluded.pattern,
                 retention_ms = excluded.retention_ms, updated_at = excluded.updated_at`),
      listAll: p('SELECT * FROM archives ORDER BY bus, name'),
      listBus: p('SELECT * FROM archives WHERE bus = ? ORDER BY name'),
      delete: p('DELETE FROM archives WHERE bus = ? AND name = ?'),
      stats: p('SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM archive_events WHERE bus = ? AND archive = ?'),
      withRetention: p('SELECT bus, name, retention_ms FROM archives WHERE retention_ms IS NOT NULL'),
      sweep: p(`DELETE FROM archive_events WHERE bus = ? AND seq IN (
                  SELECT seq FROM archive_events WHERE bus = ? AND seq < ? AND archive = ? ORDER BY seq LIMIT ?) AND archive = ?`),
    };
  }

  async put(a: NewArchive): Promise<{ archive: ArchiveRecord; created: boolean } | undefined> {
    return this.#health.run(WRITER, () => this.#db.transaction(() => {
      if (this.#s.bus!.get(a.bus) === undefined) return undefined;
      const before = this.#s.get!.get(a.bus, a.name) as ArchiveRow | undefined;
      const now = this.#clock.now();
      this.#s.insert!.run(a.bus, a.name, a.description, a.pattern === null || a.pattern === undefined ? null : JSON.stringify(a.pattern), a.retentionMs, now, now);
      return { archive: toRecord(this.#s.get!.get(a.bus, a.name) as ArchiveRow), created: before === undefined };
    })());
  }

  async get(bus: string, name: string): Promise<ArchiveRecord | undefined> {
    const r = this.#s.get!.get(bus, name) as ArchiveRow | undefined;
    return r === undefined ? undefined : toRecord(r);
  }

  async list(bus?: string): Promise<ArchiveRecord[]> {
    const rows = (bus === undefined ? this.#s.listAll!.all() : this.#s.listBus!.all(bus)) as ArchiveRow[];
    return rows.map(toRecord);
  }

  async delete(bus: string, name: string): Promise<boolean> {
    return this.#health.run(WRITER, () => this.#s.delete!.run(bus, name).changes > 0);
  }

  async stats(bus: string, name: string): Promise<ArchiveStats> {
    const r = this.#s.stats!.get(bus, name) as { n: number; b: number };
    return { events: r.n, bytes: r.b };
  }

  #firstSeqAtOrAfter(bus: string, time: number): number {
    return archivedSeqAtOrAfter(this.#db, bus, time);
  }

  async sweep(now: number, limit: number): Promise<number> {
    return this.#health.run(WRITER, () => {
      let n = 0;
      for (const a of this.#s.withRetention!.all() as { bus: string; name: string; retention_ms: number }[]) {
        const cut = this.#firstSeqAtOrAfter(a.bus, now - a.retention_ms);
        n += this.#s.sweep!.run(a.bus, a.bus, cut, a.name, limit, a.name).changes;
      }
      return n;
    });
  }
}
