import type { PgMigration } from './migration.js';

/**
 * Event sources (src/store/source-types.ts, docs/sources.md), shared by every node: one row per
 * source with its configuration and its counters, which each node's periodic flush adds to
 * (so they add up across nodes). `config` and `mapping` are JSON text, not jsonb: they read back
 * exactly as written (key order included). Not tied to a bus row: a source names a bus as the
 * embedded store keeps it (SQLite migration 022).
 */
export const migration: PgMigration = {
  version: 9,
  name: 'sources',
  sql: `
    CREATE TABLE sources (
      name          text COLLATE "C" PRIMARY KEY,
      kind          text NOT NULL,
      bus           text COLLATE "C" NOT NULL,
      description   text,
      state         text NOT NULL CHECK (state IN ('running', 'paused')),
      config        text NOT NULL,
      mapping       text,
      created_at    float8 NOT NULL,
      updated_at    float8 NOT NULL,
      received      int8 NOT NULL DEFAULT 0,
      put           int8 NOT NULL DEFAULT 0,
      rejected      int8 NOT NULL DEFAULT 0,
      last_event_at float8
    );
  `,
};
