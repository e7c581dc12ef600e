import type { PgMigration } from './migration.js';

/**
 * Pull queues and at-most-once targets (docs/queues.md, docs/delivery.md):
 *
 * - `pulled`: the row's lease was given by a consumer's `receive` (not the dispatcher's lease);
 *   only such a lease is settled (ack, release, reject, renew). For pulled deliveries `attempts`
 *   counts receives. Like every lease here it ends only at its time (`due_at`) or by a settlement.
 * - state `dropped`: an at-most-once target's failed attempt; finished like `delivered`.
 *
 * A delayed delivery needs no column: it is recorded with `due_at` (and `first_at`) at its due time.
 */
export const migration: PgMigration = {
  version: 4,
  name: 'pull leases',
  sql: `
    ALTER TABLE deliveries ADD COLUMN pulled boolean NOT NULL DEFAULT false;
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check CHECK (state IN ('pending', 'waiting', 'delivered', 'dropped', 'dead'));
    DROP INDEX deliveries_unfinished;
    CREATE INDEX deliveries_unfinished ON deliveries (bus, rule, target, state) WHERE state NOT IN ('delivered', 'dropped');
    CREATE INDEX deliveries_dropped ON deliveries (done_at) WHERE state = 'dropped';
  `,
};
