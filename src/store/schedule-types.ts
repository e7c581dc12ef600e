/**
 * Schedules (docs/scheduler.md) as the catalog keeps them. The scheduler (src/sources/scheduler)
 * validates a schedule before it is put; the store keeps it as given, plus the fire cursor.
 */

/** The event each fire puts; `data` is any JSON value. */
export interface ScheduleEventTemplate {
  readonly type: string;
  readonly source: string;
  readonly subject?: string | undefined;
  readonly data?: unknown;
}

/** What happens to fires missed while no scheduler ran (docs/scheduler.md, "Catch-up"). */
export type CatchUpPolicy = 'none' | 'latest' | 'all';

/** A schedule as written by the API (validated by the scheduler's spec parser). */
export interface NewSchedule {
  readonly name: string;
  readonly description: string | null;
  readonly bus: string;
  /** `cron(...)`-less cron text (5 or 6 fields), `rate(n unit)` or `at(RFC 3339)`. */
  readonly expression: string;
  /** IANA time zone the cron fields are read in. */
  readonly timezone: string;
  readonly event: ScheduleEventTemplate;
  /** Epoch ms: only fire times t with start <= t < end are put; null for unbounded. */
  readonly start: number | null;
  readonly end: number | null;
  readonly flexibleWindowMs: number;
  readonly catchUp: CatchUpPolicy;
  /** Most missed fires put at once under `catchUp: all`. */
  readonly maxCatchUp: number;
  readonly state: 'enabled' | 'disabled';
}

/**
 * A stored schedule. `cursor` is the fire time (epoch ms) up to which every fire has been dealt
 * with (put or skipped): the scheduler looks only at fires after it. A put of the schedule moves
 * it to at least the put's time, so creating, replacing or re-enabling a schedule never puts
 * fires from before that moment.
 */
export interface ScheduleRecord extends NewSchedule {
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly cursor: number;
}

/** Schedules in the catalog. Every method may touch I/O. */
export interface ScheduleCatalog {
  /**
   * Creates or replaces a schedule (announced on the change feed as `{ type: 'schedule', op: 'put' }`).
   * The cursor becomes max(stored cursor, now).
   */
  put(schedule: NewSchedule): Promise<{ schedule: ScheduleRecord; created: boolean }>;
  get(name: string): Promise<ScheduleRecord | undefined>;
  list(): Promise<ScheduleRecord[]>;
  /** Deletes; false when it did not exist. Announced as `{ type: 'schedule', op: 'delete' }`. */
  delete(name: string): Promise<boolean>;
  /**
   * Moves the schedule's cursor forward to `cursor` (never back: a smaller value changes
   * nothing). Progress, not configuration: not announced on the change feed. Resolves false
   * when the schedule no longer exists.
   */
  advance(name: string, cursor: number): Promise<boolean>;
}
