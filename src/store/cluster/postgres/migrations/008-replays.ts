import type { PgMigration } from './migration.js';

/**
 * Replay jobs (src/store/replay-types.ts, docs/replay.md), shared by every node.
 *
 * - `replays`: a job's window, destination, state and progress; `cursor` is the last sequence
 *   whose deliveries are committed, moved in the transaction that records them. Jobs go with their bus.
 * - `deliveries.replay`: the job a delivery was recorded by (NULL for live ones). A replayed
 *   delivery carries its replayed event text (`event_body`) and is outside the log's
 *   idempotency key: the same (bus, seq, rule, target) may be delivered live and replayed, so
 *   `deliveries_key` now covers live rows only (and the log's consumer names that predicate).
 */
export const migration: PgMigration = {
  version: 8,
  name: 'replays',
  sql: `
    CREATE TABLE replays (
      id               text COLLATE "C" PRIMARY KEY,
      bus              text COLLATE "C" NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      kind             text NOT NULL CHECK (kind IN ('replay', 'resend')),
      state            text NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'cancelled', 'failed')),
      from_seq         int8 NOT NULL,
      to_seq           int8 NOT NULL,
      total            int8 NOT NULL,
      pattern          text,
      destination      text NOT NULL,
      rate             float8,
      cursor           int8 NOT NULL,
      processed        int8 NOT NULL DEFAULT 0,
      matched          int8 NOT NULL DEFAULT 0,
      enqueued         int8 NOT NULL DEFAULT 0,
      created_at       float8 NOT NULL,
      updated_at       float8 NOT NULL,
      running_since    float8,
      processed_at_run int8 NOT NULL DEFAULT 0,
      finished_at      float8,
      error            text
    );
    CREATE INDEX replays_by_created ON replays (created_at DESC, id DESC);
    ALTER TABLE deliveries ADD COLUMN replay text;
    DROP INDEX deliveries_key;
    CREATE UNIQUE INDEX deliveries_key ON deliveries (bus, seq, rule, target) WHERE forwarded_from IS NULL AND replay IS NULL;
  `,
};
