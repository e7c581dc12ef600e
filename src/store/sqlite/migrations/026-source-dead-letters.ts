import type { Migration } from './migration.js';

/** Dead letters of pulling sources (source-dead-letter-types.ts): the message as received and why it was refused. */
export const migration: Migration = {
  version: 26,
  name: 'source-dead-letters',
  sql: `
    CREATE TABLE source_dead_letters (
      id        INTEGER PRIMARY KEY AUTOINCREMENT,
      source    TEXT    NOT NULL,
      code      TEXT    NOT NULL,
      reason    TEXT    NOT NULL,
      message   TEXT    NOT NULL,
      dead_at   INTEGER NOT NULL
    );
    CREATE INDEX source_dead_letters_by_source ON source_dead_letters (source, id);
  `,
};
