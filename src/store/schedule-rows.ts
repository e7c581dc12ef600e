import type { NewSchedule, ScheduleRecord } from './schedule-types.js';

/** A schedule as both backends store it: everything but name and state as JSON text (`spec`). */
export interface ScheduleRow {
  name: string;
  spec: string;
  state: 'enabled' | 'disabled';
  cursor: number;
  created_at: number;
  updated_at: number;
}

/** What a schedule keeps in its `spec` column. */
type ScheduleSpec = Omit<NewSchedule, 'name' | 'state'>;

/** The columns of a ScheduleRow, in a SELECT or an INSERT. */
export const SCHEDULE_COLUMNS = 'name, spec, state, cursor, created_at, updated_at';

/** The `spec` column's text for a schedule. */
export const scheduleSpecOf = (s: NewSchedule): string => JSON.stringify({
  description: s.description, bus: s.bus, expression: s.expression, timezone: s.timezone, event: s.event,
  start: s.start, end: s.end, flexibleWindowMs: s.flexibleWindowMs, catchUp: s.catchUp, maxCatchUp: s.maxCatchUp,
} satisfies ScheduleSpec);

export const scheduleRecordOf = (r: ScheduleRow): ScheduleRecord => ({
  ...(JSON.parse(r.spec) as ScheduleSpec),
  name: r.name,
  state: r.state,
  cursor: r.cursor,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
