import type { Migration } from './migration.js';

/**
 * Per-target counts of waiting and dead deliveries without scanning the bus: the target state
 * API asks for them, and with a large backlog the scan took seconds. Pending rows are counted
 * on `deliveries_due` (migration 003).
 */
export const migration: Migration = {
  version: 7,
  name: 'delivery counts by target',
  sql: `
    CREATE INDEX deliveries_settled ON deliveries (bus, rule, target, state) WHERE state IN ('waiting', 'dead');
  `,
};
