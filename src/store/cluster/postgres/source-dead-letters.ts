import type pg from 'pg';
import type { Clock } from '../../../core/index.js';
import {
  MAX_DEAD_LETTERS_PER_SOURCE, type DeadMessage, type NewSourceDeadLetter, type SourceDeadLetter, type SourceDeadLetterPage, type SourceDeadLetterStore,
} from '../../source-dead-letter-types.js';
import { inTransaction } from './pg-client.js';

interface Row { id: number; source: string; code: string; reason: string; message: string; dead_at: number }

const toRecord = (r: Row): SourceDeadLetter => ({
  id: r.id, source: r.source, code: r.code, reason: r.reason, message: JSON.parse(r.message) as DeadMessage, deadAt: r.dead_at,
});

const COLUMNS = 'id, source, code, reason, message, dead_at';

/** Source dead letters in PostgreSQL (migration 011), shared by every node; at most `maxPerSource` kept per source. */
export class PgSourceDeadLetters implements SourceDeadLetterStore {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #max: number;

  constructor(pool: pg.Pool, clock: Clock, maxPerSource = MAX_DEAD_LETTERS_PER_SOURCE) {
    this.#pool = pool;
    this.#clock = clock;
    this.#max = maxPerSource;
  }

  async add(e: NewSourceDeadLetter): Promise<SourceDeadLetter> {
    // Committed before it resolves (the caller then acknowledges the broker message).
    return inTransaction(this.#pool, async (c) => {
      const { rows } = await c.query<Row>(
        `INSERT INTO source_dead_letters (source, code, reason, message, dead_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [e.source, e.code, e.reason, JSON.stringify(e.message), this.#clock.now()]);
      // Bounded per source: the oldest beyond the cap go.
      await c.query(`DELETE FROM source_dead_letters WHERE source = $1 AND id <= (
        SELECT id FROM source_dead_letters WHERE source = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)`, [e.source, this.#max]);
      return toRecord(rows[0]!);
    });
  }

  async list(source: string, page: { readonly after?: number | undefined; readonly limit: number }): Promise<SourceDeadLetterPage> {
    const limit = Math.max(0, Math.floor(page.limit));
    // A cursor is a stored id: anything else is read as the nearest integer within int8's safe range.
    const after = Math.min(Math.max(Math.floor(page.after ?? 0), 0), Number.MAX_SAFE_INTEGER);
    const { rows } = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} FROM source_dead_letters WHERE source = $1 AND id > $2::int8 ORDER BY id LIMIT $3`,
      [source, Number.isNaN(after) ? 0 : after, limit + 1]);
    const items = rows.slice(0, limit).map(toRecord);
    return rows.length > limit && items.length > 0 ? { items, next: items[items.length - 1]!.id } : { items };
  }

  async purge(source: string, ids?: readonly number[]): Promise<number> {
    if (ids === undefined) return (await this.#pool.query('DELETE FROM source_dead_letters WHERE source = $1', [source])).rowCount ?? 0;
    // Ids that cannot be stored ones (fractions, out of int8 range) match nothing rather than fail the query.
    const wanted = ids.filter((id) => Number.isSafeInteger(id));
    if (wanted.length === 0) return 0;
    const r = await this.#pool.query('DELETE FROM source_dead_letters WHERE source = $1 AND id = ANY($2::int8[])', [source, wanted]);
    return r.rowCount ?? 0;
  }
}
