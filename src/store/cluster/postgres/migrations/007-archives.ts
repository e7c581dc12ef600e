import type { PgMigration } from './migration.js';

/**
 * Archives (src/store/archive-types.ts, docs/replay.md). An archive outlives its bus's retention,
 * and the log (JetStream) drops what the stream's limits drop, so archived copies keep their
 * event text here. They are written by the log's consumer (`recordAppended`) in the transaction
 * that indexes the event, keyed by (bus, archive, seq): a redelivered log message copies nothing
 * twice. A deleted bus takes its archives, and an archive its copies (foreign keys).
 */
export const migration: PgMigration = {
  version: 7,
  name: 'archives',
  sql: `
    CREATE TABLE archives (
      bus          text COLLATE "C" NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      name         text COLLATE "C" NOT NULL,
      description  text,
      pattern      text,
      retention_ms float8,
      created_at   float8 NOT NULL,
      updated_at   float8 NOT NULL,
      PRIMARY KEY (bus, name)
    );
    CREATE TABLE archive_events (
      bus         text COLLATE "C" NOT NULL,
      archive     text COLLATE "C" NOT NULL,
      seq         int8 NOT NULL,
      id          text NOT NULL,
      source      text NOT NULL,
      type        text NOT NULL,
      subject     text,
      time        text,
      received_at float8 NOT NULL,
      mode        text NOT NULL,
      size        int8 NOT NULL,
      body        text NOT NULL,
      PRIMARY KEY (bus, archive, seq),
      FOREIGN KEY (bus, archive) REFERENCES archives (bus, name) ON DELETE CASCADE
    );
    CREATE INDEX archive_events_by_seq ON archive_events (bus, seq);
    CREATE INDEX archive_events_by_received ON archive_events (bus, archive, received_at);
  `,
};
