import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 2,
  name: 'rules',
  sql: `
    CREATE TABLE rules (
      bus         TEXT    NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      name        TEXT    NOT NULL,
      description TEXT,
      state       TEXT    NOT NULL CHECK (state IN ('enabled', 'disabled')),
      filter      TEXT    NOT NULL,
      targets     TEXT    NOT NULL,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL,
      PRIMARY KEY (bus, name)
    );
  `,
};
