import type { PgMigration } from './migration.js';

/**
 * Durable consumers (docs/consumers.md): a named reader of a bus and its committed offset, the
 * sequence of the last event it is done with. Only the offset lives here; the events are read
 * from the log (JetStream) by the caller. `pattern` is the event pattern's JSON text, or NULL (text, not jsonb: a pattern may name any string, U+0000 included). They go
 * with their bus (foreign key).
 */
export const migration: PgMigration = {
  version: 5,
  name: 'durable consumers',
  sql: `
    CREATE TABLE consumers (
      bus        text COLLATE "C" NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      name       text COLLATE "C" NOT NULL,
      pattern    text,
      committed  int8 NOT NULL,
      created_at float8 NOT NULL,
      updated_at float8 NOT NULL,
      PRIMARY KEY (bus, name)
    );
  `,
};
