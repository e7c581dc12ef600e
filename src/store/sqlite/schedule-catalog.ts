import type { Database } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { NewSchedule, ScheduleCatalog, ScheduleRecord } from '../schedule-types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';

interface ScheduleRow {
  name: string;
  spec: string;
  state: 'enabled' | 'disabled';
  cursor: number;
  created_at: number;
  updated_at: number;
}

type Spec = Omit<NewSchedule, 'name' | 'state'>;

const specOf = (s: NewSchedule): Spec => ({
  description: s.description, bus: s.bus, expression: s.expression, timezone: s.timezone, event: s.event,
  start: s.start, end: s.end, flexibleWindowMs: s.flexibleWindowMs, catchUp: s.catchUp, maxCatchUp: s.maxCatchUp,
});

const toRecord = (r: ScheduleRow): ScheduleRecord => ({
  ...(JSON.parse(r.spec) as Spec),
  name: r.name,
  state: r.state,
  cursor: r.cursor,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

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
        INSERT INTO schedules (name, spec, state, cursor, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, state = excluded.state,
          cursor = MAX(cursor, excluded.cursor), updated_at = excluded.updated_at
        RETURNING *`).get(s.name, JSON.stringify(specOf(s)), s.state, now, now, now);
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
