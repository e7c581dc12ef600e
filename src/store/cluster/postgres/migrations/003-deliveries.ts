import type { PgMigration } from './migration.js';

/**
 * The delivery queue (docs/delivery.md), shared by every node. The state machine is SQLite's
 * (src/store/sqlite/migrations/003-deliveries.ts):
 *
 *   waiting ──(its group's head finished)──▶ pending ──▶ delivered
 *                                              │  ▲
 *                                   lease/retry│  │redrive
 *                                              ▼  │
 *                                              dead
 *
 * A leased row stays `pending` with `lease` set to its token and `due_at` moved to the lease's
 * end: when the lease ends unfinished the row is simply due again (no sweep, no "one process").
 * Leasing is `FOR UPDATE SKIP LOCKED`, so nodes leasing the same target at once take disjoint rows.
 *
 * - `deliveries_key`: a delivery derived from the log is recorded once per (bus, seq, rule,
 *   target) — recording it again (a redelivered log message) is a no-op. Dead-letter copies
 *   (`forwarded_from`) are outside the key.
 * - `deliveries_group_head`: at most one `pending` row per FIFO group, cluster-wide. Writers that
 *   change a group's head take the group's advisory lock first (delivery-queue.ts). Group keys
 *   come from events (any length): indexes hold their md5, queries compare both.
 */
export const migration: PgMigration = {
  version: 3,
  name: 'deliveries',
  sql: `
    CREATE TABLE deliveries (
      id             bigserial PRIMARY KEY,
      bus            text COLLATE "C" NOT NULL,
      seq            int8 NOT NULL,
      event_id       text NOT NULL,
      rule           text COLLATE "C" NOT NULL,
      target         text COLLATE "C" NOT NULL,
      grp            text COLLATE "C",
      state          text NOT NULL CHECK (state IN ('pending', 'waiting', 'delivered', 'dead')),
      due_at         float8 NOT NULL,
      lease          text,
      attempts       int8 NOT NULL DEFAULT 0,
      first_at       float8 NOT NULL,
      created_at     float8 NOT NULL,
      done_at        float8,
      last_error     text,
      payload        text,
      event_body     text,
      forwarded_from int8
    );
    CREATE UNIQUE INDEX deliveries_key ON deliveries (bus, seq, rule, target) WHERE forwarded_from IS NULL;
    CREATE UNIQUE INDEX deliveries_group_head ON deliveries (bus, rule, target, md5(grp)) WHERE state = 'pending' AND grp IS NOT NULL;
    CREATE INDEX deliveries_due ON deliveries (bus, rule, target, due_at, first_at, id) WHERE state = 'pending';
    CREATE INDEX deliveries_group ON deliveries (bus, rule, target, md5(grp), seq, id) WHERE state IN ('pending', 'waiting') AND grp IS NOT NULL;
    CREATE INDEX deliveries_dead ON deliveries (id) WHERE state = 'dead';
    CREATE INDEX deliveries_unfinished ON deliveries (bus, rule, target, state) WHERE state <> 'delivered';
    CREATE INDEX deliveries_done ON deliveries (done_at) WHERE state = 'delivered';
    CREATE INDEX deliveries_event ON deliveries (bus, seq);
    CREATE TABLE delivery_attempts (
      delivery_id int8 NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
      n           int8 NOT NULL,
      at          float8 NOT NULL,
      duration_ms float8 NOT NULL,
      ok          boolean NOT NULL,
      status      int8,
      error_class text,
      message     text,
      response    text,
      PRIMARY KEY (delivery_id, n)
    );
    CREATE TABLE target_health (
      bus           text COLLATE "C" NOT NULL,
      rule          text COLLATE "C" NOT NULL,
      target        text COLLATE "C" NOT NULL,
      failing_since float8,
      disabled_at   float8,
      PRIMARY KEY (bus, rule, target)
    );
  `,
};
