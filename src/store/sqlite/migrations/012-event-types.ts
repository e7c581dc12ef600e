import type { Migration } from './migration.js';

/**
 * The event catalogue: one row per (bus, source, type) seen, kept by the append transaction
 * (one upsert per distinct pair of a commit), with the newest event as its sample
 * (its text only up to 16 KiB characters, else null: its sequence and id still name it).
 * `event_type_buses` holds each bus's number of pairs (the cap check reads it, never a count
 * of rows) and the events of pairs that arrived beyond the cap. Both go with their bus.
 */
export const migration: Migration = {
  version: 12,
  name: 'event catalogue',
  sql: `
    CREATE TABLE event_types (
      bus         TEXT    NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      source      TEXT    NOT NULL,
      type        TEXT    NOT NULL,
      count       INTEGER NOT NULL,
      first_seen  INTEGER NOT NULL,
      last_seen   INTEGER NOT NULL,
      sample_seq  INTEGER NOT NULL,
      sample_id   TEXT    NOT NULL,
      sample_body TEXT,
      PRIMARY KEY (bus, source, type)
    );
    CREATE TABLE event_type_buses (
      bus       TEXT    PRIMARY KEY REFERENCES buses (name) ON DELETE CASCADE,
      types     INTEGER NOT NULL,
      overflow  INTEGER NOT NULL
    );
  `,
};
