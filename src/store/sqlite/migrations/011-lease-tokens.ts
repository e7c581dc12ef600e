import type { Migration } from './migration.js';

/**
 * Lease tokens: `deliveries.leased` holds the token of a delivery's current lease (0: none)
 * instead of a 0/1 flag, so a completion from a lease that is no longer current (it expired
 * and the delivery was leased again, or the delivery was killed or redriven meanwhile) is
 * recognised and ignored. `deliveries_leased` covers every leased row by target, so counting a
 * target's in-flight deliveries reads the index alone.
 */
export const migration: Migration = {
  version: 11,
  name: 'lease tokens',
  sql: `
    DROP INDEX deliveries_leased;
    CREATE INDEX deliveries_leased ON deliveries (bus, rule, target) WHERE leased > 0;
  `,
};
