import type { Migration } from './migration.js';

/**
 * Schedules (docs/scheduler.md). `spec` is the schedule as validated by the scheduler (JSON:
 * bus, expression, timezone, event, start, end, flexibleWindowMs, catchUp, maxCatchUp,
 * description); `cursor` is the fire time up to which every fire was put or skipped, and only
 * moves forward.
 */
export const migration: Migration = {
  version: 25,
  name: 'schedules',
  sql: `
    CREATE TABLE schedules (
      name        TEXT    NOT NULL PRIMARY KEY,
      spec        TEXT    NOT NULL,
      state       TEXT    NOT NULL CHECK (state IN ('enabled', 'disabled')),
      cursor      INTEGER NOT NULL,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    );
  `,
};
