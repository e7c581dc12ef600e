import type { PgMigration } from './migration.js';

/**
 * Dead letters of pulling sources (src/store/source-dead-letter-types.ts): the broker message as
 * received (JSON text) and why it was refused. `id` increases across the cluster (the list
 * cursor); listed and trimmed per source by (source, id). As SQLite migration 026.
 */
export const migration: PgMigration = {
  version: 11,
  name: 'source-dead-letters',
  sql: `
    CREATE TABLE source_dead_letters (
      id      int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source  text COLLATE "C" NOT NULL,
      code    text NOT NULL,
      reason  text NOT NULL,
      message text NOT NULL,
      dead_at float8 NOT NULL
    );
    CREATE INDEX source_dead_letters_by_source ON source_dead_letters (source, id);
  `,
};
