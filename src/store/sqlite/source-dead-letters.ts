import type { Database } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import {
  MAX_DEAD_LETTERS_PER_SOURCE, type DeadMessage, type NewSourceDeadLetter, type SourceDeadLetter, type SourceDeadLetterPage, type SourceDeadLetterStore,
} from '../source-dead-letter-types.js';

interface Row { id: number; source: string; code: string; reason: string; message: string; dead_at: number }

const toRecord = (r: Row): SourceDeadLetter => ({ id: r.id, source: r.source, code: r.code, reason: r.reason, message: JSON.parse(r.message) as DeadMessage, deadAt: r.dead_at });

/** Source dead letters in the embedded store (migration 026). */
export class SqliteSourceDeadLetters implements SourceDeadLetterStore {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #max: number;

  constructor(db: Database, clock: Clock, maxPerSource = MAX_DEAD_LETTERS_PER_SOURCE) {
    this.#db = db;
    this.#clock = clock;
    this.#max = maxPerSource;
  }

  async add(e: NewSourceDeadLetter): Promise<SourceDeadLetter> {
    return this.#db.transaction(() => {
      const row = this.#db.prepare<[string, string, string, string, number], Row>(
        'INSERT INTO source_dead_letters (source, code, reason, message, dead_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      ).get(e.source, e.code, e.reason, JSON.stringify(e.message), this.#clock.now())!;
      // Bounded per source: the oldest beyond the cap go.
      this.#db.prepare(`DELETE FROM source_dead_letters WHERE source = ? AND id <= (
        SELECT id FROM source_dead_letters WHERE source = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`).run(e.source, e.source, this.#max);
      return toRecord(row);
    })();
  }

  async list(source: string, page: { readonly after?: number | undefined; readonly limit: number }): Promise<SourceDeadLetterPage> {
    const rows = this.#db.prepare<[string, number, number], Row>('SELECT * FROM source_dead_letters WHERE source = ? AND id > ? ORDER BY id LIMIT ?')
      .all(source, page.after ?? 0, page.limit + 1);
    const items = rows.slice(0, page.limit).map(toRecord);
    return rows.length > page.limit ? { items, next: items[items.length - 1]!.id } : { items };
  }

  async purge(source: string, ids?: readonly number[]): Promise<number> {
    if (ids === undefined) return this.#db.prepare('DELETE FROM source_dead_letters WHERE source = ?').run(source).changes;
    const del = this.#db.prepare('DELETE FROM source_dead_letters WHERE source = ? AND id = ?');
    return this.#db.transaction(() => ids.reduce((n, id) => n + del.run(source, id).changes, 0))();
  }
}
