import type { Migration } from './migration.js';

/**
 * Pull queues (docs/queues.md): a delivery of a queue target is leased by a consumer's receive
 * instead of the dispatcher. `pulled` marks such a lease: it is held by a process outside the
 * server, so it outlives a restart (the open-time release of the previous process's leases
 * skips it) and ends only at its time or by a settlement. For pulled deliveries `attempts`
 * counts receives.
 */
export const migration: Migration = {
  version: 16,
  name: 'pull leases',
  sql: `
    ALTER TABLE deliveries ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
  `,
};
