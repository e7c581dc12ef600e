import type pg from 'pg';
import type { Clock } from '../../../core/index.js';
import type { NewSchedule, ScheduleCatalog, ScheduleRecord } from '../../schedule-types.js';
import type { ChangeRelay } from './change-relay.js';
import { writeAndAnnounce } from './write-announce.js';
import { SCHEDULE_COLUMNS as COLUMNS, scheduleRecordOf as toRecord, scheduleSpecOf, type ScheduleRow as BaseScheduleRow } from '../../schedule-rows.js';

interface ScheduleRow extends BaseScheduleRow {
  created?: boolean;
}

/** Schedules in PostgreSQL (migration 010), shared by every node; the cursor only moves forward. */
export class PgScheduleCatalog implements ScheduleCatalog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #relay: ChangeRelay;

  constructor(pool: pg.Pool, clock: Clock, relay: ChangeRelay) {
    this.#pool = pool;
    this.#clock = clock;
    this.#relay = relay;
  }

  async put(s: NewSchedule): Promise<{ schedule: ScheduleRecord; created: boolean }> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      // The cursor becomes max(stored, now): a put never brings back fires from before it.
      const { rows } = await c.query<ScheduleRow>(`
        INSERT INTO schedules (${COLUMNS}) VALUES ($1, $2, $3, $4, $4, $4)
        ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, state = excluded.state,
          cursor = GREATEST(schedules.cursor, excluded.cursor), updated_at = excluded.updated_at
        RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [s.name, scheduleSpecOf(s), s.state, this.#clock.now()]);
      const row = rows[0]!;
      return { value: { schedule: toRecord(row), created: row.created === true }, changes: [{ type: 'schedule', op: 'put', name: s.name }] };
    });
  }

  async get(name: string): Promise<ScheduleRecord | undefined> {
    const { rows } = await this.#pool.query<ScheduleRow>(`SELECT ${COLUMNS} FROM schedules WHERE name = $1`, [name]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(): Promise<ScheduleRecord[]> {
    return (await this.#pool.query<ScheduleRow>(`SELECT ${COLUMNS} FROM schedules ORDER BY name`)).rows.map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const deleted = ((await c.query('DELETE FROM schedules WHERE name = $1', [name])).rowCount ?? 0) > 0;
      return { value: deleted, changes: deleted ? [{ type: 'schedule', op: 'delete', name }] : [] };
    });
  }

  /** Progress, not configuration: not announced. A smaller cursor changes nothing (but the schedule exists: true). */
  async advance(name: string, cursor: number): Promise<boolean> {
    const r = await this.#pool.query('UPDATE schedules SET cursor = GREATEST(cursor, $1::float8) WHERE name = $2', [cursor, name]);
    return (r.rowCount ?? 0) > 0;
  }
}
