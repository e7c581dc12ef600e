import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 6,
  name: 'connections',
  sql: `
    CREATE TABLE connections (
      name        TEXT    NOT NULL PRIMARY KEY,
      kind        TEXT    NOT NULL,
      description TEXT,
      config      TEXT    NOT NULL,
      sealed      TEXT    NOT NULL,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    );
    CREATE TABLE signing_secrets (
      target_key  TEXT    NOT NULL,
      created_at  INTEGER NOT NULL,
      sealed      TEXT    NOT NULL,
      expires_at  INTEGER,
      PRIMARY KEY (target_key, created_at)
    );
  `,
};
