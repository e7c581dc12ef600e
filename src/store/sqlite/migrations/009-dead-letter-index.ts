import type { Migration } from './migration.js';

/**
 * Dead letters listed in id order without scanning every delivery: the unfiltered list (and its
 * `after` cursor, and a time range) walked the whole deliveries table by row id, so with a large
 * history of delivered rows and few dead ones a page cost a full scan. Dead rows are few and
 * change rarely, so the partial index costs nothing on the delivery path (a row enters it only
 * when it is dead-lettered).
 */
export const migration: Migration = {
  version: 9,
  name: 'dead letters by id',
  sql: `
    CREATE INDEX deliveries_dead_letters ON deliveries (id) WHERE state = 'dead';
  `,
};
