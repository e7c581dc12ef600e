import type pg from 'pg';
import type { ConsumerRecord, ConsumerStore, NewConsumer } from '../../consumer-types.js';

interface Row { bus: string; name: string; pattern: string | null; committed: number; created_at: number; updated_at: number }

const COLS = 'bus, name, pattern, committed, created_at, updated_at';

const record = (r: Row): ConsumerRecord => ({
  bus: r.bus, name: r.name, pattern: r.pattern === null ? null : JSON.parse(r.pattern) as unknown, offset: r.committed, createdAt: r.created_at, updatedAt: r.updated_at,
});

/**
 * Durable consumers' offsets on PostgreSQL (migration 005), shared by every node. A commit is one
 * `UPDATE … SET committed = greatest(committed, $n)`: row-locked by PostgreSQL, so two nodes
 * committing at once leave the higher offset, and a commit never moves it back.
 */
export class PgConsumers implements ConsumerStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(c: NewConsumer, now: number): Promise<{ consumer: ConsumerRecord; created: boolean } | undefined> {
    const pattern = c.pattern === null || c.pattern === undefined ? null : JSON.stringify(c.pattern);
    // The bus row is read in the same statement: no consumer on a missing bus, and none left behind by a bus deleted meanwhile (foreign key).
    const { rows } = await this.#pool.query<Row & { created: boolean }>(`
      WITH ins AS (
        INSERT INTO consumers (bus, name, pattern, committed, created_at, updated_at)
        SELECT name, $2, $3, $4, $5, $5 FROM buses WHERE name = $1
        ON CONFLICT (bus, name) DO NOTHING
        RETURNING ${COLS})
      SELECT *, true AS created FROM ins
      UNION ALL
      SELECT ${COLS}, false AS created FROM consumers WHERE bus = $1 AND name = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
    [c.bus, c.name, pattern, c.offset, now]);
    const r = rows[0];
    return r === undefined ? undefined : { consumer: record(r), created: r.created };
  }

  async get(bus: string, name: string): Promise<ConsumerRecord | undefined> {
    const { rows } = await this.#pool.query<Row>(`SELECT ${COLS} FROM consumers WHERE bus = $1 AND name = $2`, [bus, name]);
    return rows[0] === undefined ? undefined : record(rows[0]);
  }

  async list(bus: string): Promise<ConsumerRecord[]> {
    const { rows } = await this.#pool.query<Row>(`SELECT ${COLS} FROM consumers WHERE bus = $1 ORDER BY name`, [bus]);
    return rows.map(record);
  }

  async delete(bus: string, name: string): Promise<boolean> {
    return ((await this.#pool.query('DELETE FROM consumers WHERE bus = $1 AND name = $2', [bus, name])).rowCount ?? 0) > 0;
  }

  async commit(bus: string, name: string, offset: number, now: number): Promise<ConsumerRecord | undefined> {
    const { rows } = await this.#pool.query<Row>(`
      UPDATE consumers SET committed = greatest(committed, $1), updated_at = CASE WHEN $1 > committed THEN $2 ELSE updated_at END
      WHERE bus = $3 AND name = $4 RETURNING ${COLS}`, [offset, now, bus, name]);
    return rows[0] === undefined ? undefined : record(rows[0]);
  }

  async reset(bus: string, name: string, offset: number, now: number): Promise<ConsumerRecord | undefined> {
    const { rows } = await this.#pool.query<Row>(`UPDATE consumers SET committed = $1, updated_at = $2 WHERE bus = $3 AND name = $4 RETURNING ${COLS}`, [offset, now, bus, name]);
    return rows[0] === undefined ? undefined : record(rows[0]);
  }
}
