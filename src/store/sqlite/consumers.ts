import type { Database, Statement } from 'better-sqlite3';
import type { ConsumerRecord, ConsumerStore, NewConsumer } from '../consumer-types.js';
import type { WriteHealth } from '../write-health.js';

interface Row { bus: string; name: string; pattern: string | null; committed: number; created_at: number; updated_at: number }
type Args = (string | number | null)[];

const W = 'consumer offsets';
const COLS = 'bus, name, pattern, committed, created_at, updated_at';

const record = (r: Row): ConsumerRecord => ({
  bus: r.bus, name: r.name, pattern: r.pattern === null ? null : JSON.parse(r.pattern) as unknown, offset: r.committed, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Durable consumers' offsets on SQLite (migration 017). */
export class SqliteConsumers implements ConsumerStore {
  readonly #s: Record<'get' | 'list' | 'insert' | 'del' | 'commit' | 'reset' | 'bus', Statement<Args, unknown>>;
  readonly #health: WriteHealth;

  constructor(db: Database, health: WriteHealth) {
    this.#health = health;
    const p = (sql: string): Statement<Args, unknown> => db.prepare<Args, unknown>(sql);
    this.#s = {
      get: p(`SELECT ${COLS} FROM consumers WHERE bus = ? AND name = ?`),
      list: p(`SELECT ${COLS} FROM consumers WHERE bus = ? ORDER BY name`),
      bus: p('SELECT 1 AS x FROM buses WHERE name = ?'),
      insert: p(`INSERT INTO consumers (${COLS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bus, name) DO NOTHING`),
      del: p('DELETE FROM consumers WHERE bus = ? AND name = ?'),
      commit: p(`UPDATE consumers SET committed = max(committed, ?), updated_at = CASE WHEN ? > committed THEN ? ELSE updated_at END
                 WHERE bus = ? AND name = ? RETURNING ${COLS}`),
      reset: p(`UPDATE consumers SET committed = ?, updated_at = ? WHERE bus = ? AND name = ? RETURNING ${COLS}`),
    };
  }

  async create(c: NewConsumer, now: number): Promise<{ consumer: ConsumerRecord; created: boolean } | undefined> {
    if (this.#s.bus.get(c.bus) === undefined) return undefined;
    const pattern = c.pattern === null || c.pattern === undefined ? null : JSON.stringify(c.pattern);
    const created = this.#health.run(W, () => this.#s.insert.run(c.bus, c.name, pattern, c.offset, now, now).changes > 0);
    const row = this.#s.get.get(c.bus, c.name) as Row | undefined;
    return row === undefined ? undefined : { consumer: record(row), created };
  }

  async get(bus: string, name: string): Promise<ConsumerRecord | undefined> {
    const row = this.#s.get.get(bus, name) as Row | undefined;
    return row === undefined ? undefined : record(row);
  }

  async list(bus: string): Promise<ConsumerRecord[]> {
    return (this.#s.list.all(bus) as Row[]).map(record);
  }

  async delete(bus: string, name: string): Promise<boolean> {
    return this.#health.run(W, () => this.#s.del.run(bus, name).changes > 0);
  }

  async commit(bus: string, name: string, offset: number, now: number): Promise<ConsumerRecord | undefined> {
    const row = this.#health.run(W, () => this.#s.commit.get(offset, offset, now, bus, name)) as Row | undefined;
    return row === undefined ? undefined : record(row);
  }

  async reset(bus: string, name: string, offset: number, now: number): Promise<ConsumerRecord | undefined> {
    const row = this.#health.run(W, () => this.#s.reset.get(offset, now, bus, name)) as Row | undefined;
    return row === undefined ? undefined : record(row);
  }
}
