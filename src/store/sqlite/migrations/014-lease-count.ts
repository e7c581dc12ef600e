import type { Migration } from './migration.js';

/**
 * `deliveries.leases`: how many times a delivery was leased (a lease given back without an
 * attempt does not count). A delivery leased more than once had a lease end without an outcome
 * (the process died, or a send outlived its lease): an at-most-once target then drops it instead
 * of sending it again (docs/delivery.md).
 */
export const migration: Migration = {
  version: 14,
  name: 'delivery lease count',
  sql: `
    ALTER TABLE deliveries ADD COLUMN leases INTEGER NOT NULL DEFAULT 0;
  `,
};
