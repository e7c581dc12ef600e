import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { NewSource, SourceCatalog, SourceCounts, SourceRecord, SourceState } from '../source-types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';
import { SOURCE_COLUMNS as COLUMNS, sourceCountsOf, sourceRecordOf as toRecord, type SourceCountRow, type SourceRow } from '../source-rows.js';

/** Event sources of the embedded store (migration 022). */
export class SqliteSourceCatalog implements SourceCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;
  readonly #addCounts: Statement<[number, number, number, number | null, number | null, string]>;

  constructor(db: Database, clock: Clock, feed: ChangeFeed) {
    this.#db = db;
    this.#clock = clock;
    this.#feed = feed;
    this.#addCounts = db.prepare(`UPDATE sources SET received = received + ?, put = put + ?, rejected = rejected + ?,
      last_event_at = CASE WHEN ? IS NULL THEN last_event_at ELSE max(coalesce(last_event_at, 0), ?) END WHERE name = ?`);
  }

  async put(s: NewSource): Promise<{ source: SourceRecord; created: boolean }> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const now = this.#clock.now();
      const existed = this.#db.prepare<[string], { n: number }>('SELECT 1 AS n FROM sources WHERE name = ?').get(s.name) !== undefined;
      const row = this.#db.prepare<[string, string, string, string | null, string, string, string | null, number, number], SourceRow>(`
        INSERT INTO sources (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, bus = excluded.bus, description = excluded.description,
          state = excluded.state, config = excluded.config, mapping = excluded.mapping, updated_at = excluded.updated_at
        RETURNING ${COLUMNS}`).get(
        s.name, s.kind, s.bus, s.description, s.state, JSON.stringify(s.config),
        s.mapping === null || s.mapping === undefined ? null : JSON.stringify(s.mapping), now, now,
      );
      return { value: { source: toRecord(row!), created: !existed }, changes: [{ type: 'source', op: 'put', name: s.name }] };
    });
  }

  async get(name: string): Promise<SourceRecord | undefined> {
    const r = this.#db.prepare<[string], SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE name = ?`).get(name);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(): Promise<SourceRecord[]> {
    return this.#db.prepare<[], SourceRow>(`SELECT ${COLUMNS} FROM sources ORDER BY name`).all().map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const deleted = this.#db.prepare('DELETE FROM sources WHERE name = ?').run(name).changes > 0;
      return { value: deleted, changes: deleted ? [{ type: 'source', op: 'delete', name }] : [] };
    });
  }

  async setState(name: string, state: SourceState): Promise<SourceRecord | undefined> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const before = this.#db.prepare<[string], { state: string }>('SELECT state FROM sources WHERE name = ?').get(name);
      if (before === undefined) return { value: undefined, changes: [] };
      if (before.state === state) {
        const same = this.#db.prepare<[string], SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE name = ?`).get(name)!;
        return { value: toRecord(same), changes: [] };
      }
      const row = this.#db.prepare<[string, number, string], SourceRow>(`UPDATE sources SET state = ?, updated_at = ? WHERE name = ? RETURNING ${COLUMNS}`)
        .get(state, this.#clock.now(), name)!;
      return { value: toRecord(row), changes: [{ type: 'source', op: 'put', name }] };
    });
  }

  async addCounts(deltas: ReadonlyMap<string, SourceCounts>): Promise<void> {
    if (deltas.size === 0) return;
    this.#db.transaction(() => {
      for (const [name, d] of deltas) this.#addCounts.run(d.received, d.put, d.rejected, d.lastEventAt, d.lastEventAt, name);
    })();
  }

  async counts(): Promise<Map<string, SourceCounts>> {
    const rows = this.#db.prepare<[], SourceCountRow>('SELECT name, received, put, rejected, last_event_at FROM sources').all();
    return new Map(rows.map((r) => [r.name, sourceCountsOf(r)]));
  }
}
