import type { PgMigration } from './migration.js';

/**
 * Schedules (src/store/schedule-types.ts, docs/scheduler.md), shared by every node. `spec` is the
 * schedule as the scheduler validated it (JSON text: bus, expression, timezone, event, start,
 * end, flexibleWindowMs, catchUp, maxCatchUp, description); `cursor` is the fire time up to
 * which every fire was put or skipped, and only moves forward (as SQLite migration 025).
 */
export const migration: PgMigration = {
  version: 10,
  name: 'schedules',
  sql: `
    CREATE TABLE schedules (
      name       text COLLATE "C" PRIMARY KEY,
      spec       text NOT NULL,
      state      text NOT NULL CHECK (state IN ('enabled', 'disabled')),
      cursor     float8 NOT NULL,
      created_at float8 NOT NULL,
      updated_at float8 NOT NULL
    );
  `,
};
