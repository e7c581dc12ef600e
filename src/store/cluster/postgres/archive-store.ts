import type pg from 'pg';
import type { Clock } from '../../../core/index.js';
import type { ArchiveRecord, ArchiveStats, ArchiveStore, NewArchive } from '../../archive-types.js';
import { inTransaction, type Queryable } from './pg-client.js';
import type { IndexedEvent } from './event-index.js';

interface ArchiveRow {
  bus: string; name: string; description: string | null; pattern: string | null; retention_ms: number | null; created_at: number; updated_at: number;
}

const COLS = 'bus, name, description, pattern, retention_ms, created_at, updated_at';

const toRecord = (r: ArchiveRow): ArchiveRecord => ({
  bus: r.bus, name: r.name, description: r.description, pattern: r.pattern === null ? null : JSON.parse(r.pattern) as unknown,
  retentionMs: r.retention_ms, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** One logged event and the archives its put named (AppendItem.archives). */
export interface ArchivedEntry {
  readonly event: IndexedEvent;
  readonly archives: readonly string[];
}

/**
 * Copies logged events into the archives their puts named, inside the log consumer's
 * transaction (recordAppended). Idempotent on (bus, archive, seq); an archive deleted since the
 * put was routed is skipped. Answers how many copies were new.
 */
export async function archiveIn(c: Queryable, entries: readonly ArchivedEntry[]): Promise<number> {
  const rows = entries.flatMap(({ event: e, archives }) => [...new Set(archives)].map((archive) => ({
    bus: e.bus, archive, seq: e.sequence, id: e.id, source: e.source, type: e.type, subject: e.subject, time: e.time,
    received_at: e.receivedAt, mode: e.mode, size: e.size, body: e.body,
  })));
  if (rows.length === 0) return 0;
  const r = await c.query(`
    INSERT INTO archive_events (bus, archive, seq, id, source, type, subject, time, received_at, mode, size, body)
    SELECT x.bus, x.archive, x.seq, x.id, x.source, x.type, x.subject, x.time, x.received_at, x.mode, x.size, x.body
    FROM jsonb_to_recordset($1::jsonb) AS x(bus text, archive text, seq int8, id text, source text, type text, subject text, time text,
      received_at float8, mode text, size int8, body text)
    WHERE EXISTS (SELECT 1 FROM archives a WHERE a.bus = x.bus AND a.name = x.archive)
    ON CONFLICT (bus, archive, seq) DO NOTHING`, [JSON.stringify(rows)]);
  return r.rowCount ?? 0;
}

/**
 * Archives on PostgreSQL (migration 007), shared by every node. The copies are written by the
 * log's consumer ({@link archiveIn}); this class keeps the archives and sweeps copies past their
 * archive's retention.
 */
export class PgArchiveStore implements ArchiveStore {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;

  constructor(pool: pg.Pool, clock: Clock) {
    this.#pool = pool;
    this.#clock = clock;
  }

  async put(a: NewArchive): Promise<{ archive: ArchiveRecord; created: boolean } | undefined> {
    const pattern = a.pattern === null || a.pattern === undefined ? null : JSON.stringify(a.pattern);
    return inTransaction(this.#pool, async (c) => {
      // The bus row, locked: a bus deleted meanwhile cannot leave an archive behind.
      const { rows: bus } = await c.query('SELECT 1 FROM buses WHERE name = $1 FOR SHARE', [a.bus]);
      if (bus.length === 0) return undefined;
      const now = this.#clock.now();
      const { rows } = await c.query<ArchiveRow & { created: boolean }>(`
        INSERT INTO archives (bus, name, description, pattern, retention_ms, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
        ON CONFLICT (bus, name) DO UPDATE SET description = excluded.description, pattern = excluded.pattern,
          retention_ms = excluded.retention_ms, updated_at = excluded.updated_at
        RETURNING ${COLS}, (xmax = 0) AS created`, [a.bus, a.name, a.description, pattern, a.retentionMs, now]);
      const r = rows[0]!;
      return { archive: toRecord(r), created: r.created };
    });
  }

  async get(bus: string, name: string): Promise<ArchiveRecord | undefined> {
    const { rows } = await this.#pool.query<ArchiveRow>(`SELECT ${COLS} FROM archives WHERE bus = $1 AND name = $2`, [bus, name]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(bus?: string): Promise<ArchiveRecord[]> {
    const { rows } = await this.#pool.query<ArchiveRow>(
      `SELECT ${COLS} FROM archives WHERE $1::text IS NULL OR bus = $1 ORDER BY bus, name`, [bus ?? null]);
    return rows.map(toRecord);
  }

  async delete(bus: string, name: string): Promise<boolean> {
    return ((await this.#pool.query('DELETE FROM archives WHERE bus = $1 AND name = $2', [bus, name])).rowCount ?? 0) > 0;
  }

  async stats(bus: string, name: string): Promise<ArchiveStats> {
    const { rows } = await this.#pool.query<{ n: number; b: number }>(
      'SELECT count(*)::int8 AS n, coalesce(sum(size), 0)::int8 AS b FROM archive_events WHERE bus = $1 AND archive = $2', [bus, name]);
    return { events: rows[0]?.n ?? 0, bytes: rows[0]?.b ?? 0 };
  }

  async sweep(now: number, limit: number): Promise<number> {
    const { rows: archives } = await this.#pool.query<{ bus: string; name: string; retention_ms: number }>(
      'SELECT bus, name, retention_ms FROM archives WHERE retention_ms IS NOT NULL ORDER BY bus, name');
    let n = 0;
    for (const a of archives) {
      const r = await this.#pool.query(`
        DELETE FROM archive_events WHERE bus = $1 AND archive = $2 AND seq IN (
          SELECT seq FROM archive_events WHERE bus = $1 AND archive = $2 AND received_at < $3 ORDER BY received_at LIMIT $4)`,
      [a.bus, a.name, now - a.retention_ms, limit]);
      n += r.rowCount ?? 0;
    }
    return n;
  }
}
