import type { Migration } from './migration.js';

/**
 * Durable consumers (docs/consumers.md): a named reader of a bus and its committed offset (the
 * sequence of the last event it is done with). `pattern` is the event pattern's JSON text, or
 * NULL. They go with their bus.
 */
export const migration: Migration = {
  version: 17,
  name: 'durable consumers',
  sql: `
    CREATE TABLE consumers (
      bus         TEXT    NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      name        TEXT    NOT NULL,
      pattern     TEXT,
      committed   INTEGER NOT NULL,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL,
      PRIMARY KEY (bus, name)
    ) WITHOUT ROWID;
  `,
};
