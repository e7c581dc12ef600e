import type { Migration } from './migration.js';

/**
 * The durable delivery queue (docs/delivery.md). One row per (event, rule, target), inserted in
 * the same transaction as the event. Its `state` walks:
 *
 *   waiting ──(group head done)──▶ pending ──▶ delivered
 *                                     │  ▲
 *                                     ▼  │ redrive
 *                                     dead
 *
 * - `pending` rows are eligible once `due_at <= now`. A lease is a move of `due_at` into the
 *   future (`leased = 1`): when the process dies the row simply falls due again, so nothing a
 *   crash could lose lives only in memory.
 * - FIFO: a row with a group (`grp` not NULL) is `waiting` while an older row of the same
 *   (bus, rule, target, grp) is pending or waiting; finishing the head (delivered or dead)
 *   promotes the next one, so at most one per group is ever pending (in flight or backing off).
 * - `attempts`/`first_at` are the current retry budget (reset by a redrive); every attempt is a
 *   row of `delivery_attempts`.
 */
export const migration: Migration = {
  version: 3,
  name: 'deliveries, attempts, target health',
  sql: `
    CREATE TABLE deliveries (
      id          INTEGER PRIMARY KEY,
      bus         TEXT    NOT NULL,
      seq         INTEGER NOT NULL,
      event_id    TEXT    NOT NULL,
      rule        TEXT    NOT NULL,
      target      TEXT    NOT NULL,
      grp         TEXT,
      state       TEXT    NOT NULL,
      due_at      INTEGER NOT NULL,
      leased      INTEGER NOT NULL DEFAULT 0,
      attempts    INTEGER NOT NULL DEFAULT 0,
      first_at    INTEGER NOT NULL,
      created_at  INTEGER NOT NULL,
      done_at     INTEGER,
      last_error  TEXT,
      event_body  TEXT,
      payload     TEXT
    );
    CREATE INDEX deliveries_due ON deliveries (bus, rule, target, due_at) WHERE state = 'pending';
    CREATE INDEX deliveries_group ON deliveries (bus, rule, target, grp, id) WHERE grp IS NOT NULL AND state IN ('pending', 'waiting');
    CREATE INDEX deliveries_dead ON deliveries (done_at) WHERE state = 'dead';
    CREATE INDEX deliveries_done ON deliveries (done_at) WHERE state = 'delivered';
    CREATE INDEX deliveries_event ON deliveries (bus, seq);
    CREATE INDEX deliveries_leased ON deliveries (id) WHERE leased = 1;
    CREATE TABLE delivery_attempts (
      delivery_id INTEGER NOT NULL,
      n           INTEGER NOT NULL,
      at          INTEGER NOT NULL,
      duration_ms REAL    NOT NULL,
      ok          INTEGER NOT NULL,
      status      INTEGER,
      error_class TEXT,
      message     TEXT,
      response    TEXT,
      PRIMARY KEY (delivery_id, n)
    ) WITHOUT ROWID;
    -- Health of a target that has failed: since when it fails without a success, and when it
    -- was disabled for failing too long. No row = healthy.
    CREATE TABLE target_health (
      bus           TEXT NOT NULL,
      rule          TEXT NOT NULL,
      target        TEXT NOT NULL,
      failing_since INTEGER,
      disabled_at   INTEGER,
      PRIMARY KEY (bus, rule, target)
    ) WITHOUT ROWID;
  `,
};
