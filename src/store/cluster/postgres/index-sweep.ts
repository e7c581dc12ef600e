import type pg from 'pg';
import type { Housekeeping } from '../../types.js';
import { inTransaction } from './pg-client.js';

/** How long announced catalog changes are kept for listeners that reconnect. */
export const CATALOG_CHANGES_KEEP = '1 hour';

/**
 * PostgreSQL's side of the retention sweep: the index rows (and schema marks) of events past
 * their bus's retention — by age (`received_at`) and by count (beyond the newest `max_count`) —
 * the same rule JetStream applies to the stream with MaxAge/MaxMsgs. The event catalogue's
 * counts are "seen" counts and stay. Each bus is swept in its own short transaction, at most
 * `batch` rows per bus per run (a long backlog is swept over several runs).
 */
export function indexHousekeeping(pool: pg.Pool, schema: string, now: () => number, batch: number): Housekeeping {
  return {
    async sweepRetention(): Promise<number> {
      const { rows: buses } = await pool.query<{ name: string; max_age_ms: number | null; max_count: number | null }>(
        'SELECT name, max_age_ms, max_count FROM buses WHERE max_age_ms IS NOT NULL OR max_count IS NOT NULL ORDER BY name');
      let removed = 0;
      for (const b of buses) {
        removed += await inTransaction(pool, async (c) => {
          let n = 0;
          if (b.max_age_ms !== null) {
            const r = await c.query(`DELETE FROM event_index WHERE (bus, seq) IN (
              SELECT bus, seq FROM event_index WHERE bus = $1 AND received_at < $2 ORDER BY seq LIMIT $3)`, [b.name, now() - b.max_age_ms, batch]);
            n += r.rowCount ?? 0;
          }
          if (b.max_count !== null) {
            const r = await c.query(`DELETE FROM event_index WHERE (bus, seq) IN (
              SELECT bus, seq FROM event_index WHERE bus = $1 AND seq <= (SELECT seq FROM event_index WHERE bus = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)
              ORDER BY seq LIMIT $3)`, [b.name, b.max_count, batch]);
            n += r.rowCount ?? 0;
          }
          if (n > 0) {
            await c.query('DELETE FROM event_schema_checks s WHERE s.bus = $1 AND NOT EXISTS (SELECT 1 FROM event_index e WHERE e.bus = s.bus AND e.seq = s.seq)', [b.name]);
          }
          return n;
        });
      }
      await pool.query(`DELETE FROM catalog_changes WHERE at < now() - interval '${CATALOG_CHANGES_KEEP}'`);
      return removed;
    },

    async sizeBytes(): Promise<number> {
      const { rows } = await pool.query<{ n: number | null }>(`
        SELECT sum(pg_total_relation_size(c.oid))::int8 AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname = $1 AND c.relkind IN ('r', 'm')`, [schema]);
      return rows[0]?.n ?? 0;
    },
  };
}
