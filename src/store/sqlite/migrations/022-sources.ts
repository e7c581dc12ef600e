import type { Migration } from './migration.js';

/**
 * Event sources (src/store/source-types.ts): one row per source with its configuration and its
 * counters (added to by each node's periodic flush); and, per event, what received it besides a
 * plain HTTP put (`via`: the source and its verification result, JSON text, for the trace).
 */
export const migration: Migration = {
  version: 22,
  name: 'sources',
  sql: `
    CREATE TABLE sources (
      name          TEXT    NOT NULL PRIMARY KEY,
      kind          TEXT    NOT NULL,
      bus           TEXT    NOT NULL,
      description   TEXT,
      state         TEXT    NOT NULL,
      config        TEXT    NOT NULL,
      mapping       TEXT,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL,
      received      INTEGER NOT NULL DEFAULT 0,
      put           INTEGER NOT NULL DEFAULT 0,
      rejected      INTEGER NOT NULL DEFAULT 0,
      last_event_at INTEGER
    );
    ALTER TABLE events ADD COLUMN via TEXT;
  `,
};
