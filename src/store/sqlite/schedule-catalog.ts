import type { Database } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { NewSchedule, ScheduleCatalog, ScheduleRecord } from '../schedule-types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';
import { SCHEDULE_COLUMNS as COLUMNS, scheduleRecordOf as toRecord, scheduleSpecOf, type ScheduleRow } from '../schedule-rows.js';

/** Schedules in the embedded store (migration 025). */
export class SqliteScheduleCatalog implements ScheduleCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;

  constructor(db: Database, clock: Clock, feed: ChangeFeed) {
    this.#db = db;
    this.#clock = clock;
    this.#feed = feed;
  }

  async put(s: NewSchedule): Promise<{ schedule: ScheduleRecord; created: boolean }> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const now = this.#clock.now();
      const existed = this.#db.prepare<[string], { n: number }>('SELECT 1 AS n FROM schedules WHERE name = ?').get(s.name) !== undefined;
      const row = this.#db.prepare<[string, string, string, number, number, number], ScheduleRow>(`
        INSERT INTO schedules (${COLUMNS})
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, state = excluded.state,
          cursor = MAX(cursor, excluded.cursor), updated_at = excluded.updated_at
        RETURNING *`).get(s.name, scheduleSpecOf(s), s.state, now, now, now);
      return { value: { schedule: toRecord(row!), created: !existed }, changes: [{ type: 'schedule', op: 'put', name: s.name }] };
    });
  }

  async get(name: string): Promise<ScheduleRecord | undefined> {
    const r = this.#db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE name = ?').get(name);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(): Promise<ScheduleRecord[]> {
    return this.#db.prepare<[], ScheduleRow>('SELECT * FROM schedules ORDER BY name').all().map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const deleted = this.#db.prepare('DELETE FROM schedules WHERE name = ?').run(name).changes > 0;
      return { value: deleted, changes: deleted ? [{ type: 'schedule', op: 'delete', name }] : [] };
    });
  }

  async advance(name: string, cursor: number): Promise<boolean> {
    const r = this.#db.prepare('UPDATE schedules SET cursor = MAX(cursor, ?) WHERE name = ?').run(cursor, name);
    return r.changes > 0;
  }
}
