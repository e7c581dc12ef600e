import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 1,
  name: 'event log, buses, dedupe',
  sql: `
    CREATE TABLE buses (
      name        TEXT PRIMARY KEY,
      description TEXT,
      created_at  INTEGER NOT NULL,
      max_age_ms  INTEGER,
      max_count   INTEGER,
      next_seq    INTEGER NOT NULL DEFAULT 1
    );
    -- One row per stored event; (bus, seq) is the bus's log position.
    CREATE TABLE events (
      bus         TEXT    NOT NULL,
      seq         INTEGER NOT NULL,
      id          TEXT    NOT NULL,
      source      TEXT    NOT NULL,
      type        TEXT    NOT NULL,
      subject     TEXT,
      time        TEXT,
      received_at INTEGER NOT NULL,
      mode        TEXT    NOT NULL,
      size        INTEGER NOT NULL,
      matched     TEXT    NOT NULL,
      body        TEXT    NOT NULL,
      PRIMARY KEY (bus, seq)
    );
    CREATE INDEX events_by_id ON events (bus, id);
    CREATE INDEX events_by_type ON events (bus, type, seq);
    CREATE INDEX events_by_source ON events (bus, source, seq);
    CREATE INDEX events_by_received ON events (bus, received_at);
    -- (bus, source, id) seen within the dedupe window; outlives the event if retention is shorter.
    CREATE TABLE dedupe (
      bus         TEXT    NOT NULL,
      source      TEXT    NOT NULL,
      id          TEXT    NOT NULL,
      seq         INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      PRIMARY KEY (bus, source, id)
    ) WITHOUT ROWID;
    CREATE INDEX dedupe_by_time ON dedupe (received_at);
  `,
};
