import type { Migration } from './migration.js';

/**
 * Archives and replay jobs (src/store/archive-types.ts, replay-types.ts; docs/replay.md).
 *
 * - `archives`: one row per (bus, name); a deleted bus takes its archives (and their events).
 * - `archive_events`: archived copies written in the append's transaction, keyed by
 *   (bus, seq, archive): the bus sequence is kept so a replay reads archives and the log as one.
 * - `replays`: a job's window, destination, state and progress. `cursor` is the last sequence
 *   whose deliveries are committed; it moves in the transaction that enqueues them.
 * - `deliveries.replay`: the replay job a delivery was enqueued by (NULL for live ones), for
 *   the trace.
 */
export const migration: Migration = {
  version: 13,
  name: 'archives and replays',
  sql: `
    CREATE TABLE archives (
      bus          TEXT    NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      name         TEXT    NOT NULL,
      description  TEXT,
      pattern      TEXT,
      retention_ms INTEGER,
      created_at   INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL,
      PRIMARY KEY (bus, name)
    ) WITHOUT ROWID;
    -- One B-tree, keyed in bus order: an append adds one entry per archive (no rowid table, no
    -- secondary index), a replay reads a bus's archived sequences in order from the key.
    -- received_at grows with seq on a bus, so the retention sweep finds its cut by a binary search
    -- on the key instead of an index on received_at.
    CREATE TABLE archive_events (
      bus         TEXT    NOT NULL,
      seq         INTEGER NOT NULL,
      archive     TEXT    NOT NULL,
      id          TEXT    NOT NULL,
      source      TEXT    NOT NULL,
      type        TEXT    NOT NULL,
      subject     TEXT,
      time        TEXT,
      received_at INTEGER NOT NULL,
      mode        TEXT    NOT NULL,
      size        INTEGER NOT NULL,
      body        TEXT    NOT NULL,
      PRIMARY KEY (bus, seq, archive)
    ) WITHOUT ROWID;
    -- A deleted archive (or bus: archives go with it by the foreign key) takes its copies.
    CREATE TRIGGER archives_drop_events AFTER DELETE ON archives BEGIN
      DELETE FROM archive_events WHERE bus = old.bus AND archive = old.name;
    END;
    CREATE TABLE replays (
      id               TEXT    PRIMARY KEY,
      bus              TEXT    NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      kind             TEXT    NOT NULL,
      state            TEXT    NOT NULL,
      from_seq         INTEGER NOT NULL,
      to_seq           INTEGER NOT NULL,
      total            INTEGER NOT NULL,
      pattern          TEXT,
      destination      TEXT    NOT NULL,
      rate             REAL,
      cursor           INTEGER NOT NULL,
      processed        INTEGER NOT NULL DEFAULT 0,
      matched          INTEGER NOT NULL DEFAULT 0,
      enqueued         INTEGER NOT NULL DEFAULT 0,
      created_at       INTEGER NOT NULL,
      updated_at       INTEGER NOT NULL,
      running_since    INTEGER,
      processed_at_run INTEGER NOT NULL DEFAULT 0,
      finished_at      INTEGER,
      error            TEXT
    );
    CREATE INDEX replays_by_created ON replays (created_at);
    ALTER TABLE deliveries ADD COLUMN replay TEXT;
  `,
};
