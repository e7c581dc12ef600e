import type { PgMigration } from './migration.js';

/**
 * What received an event besides a plain put (AppendItem.via: an event source and its
 * verification, JSON text), kept in the index for the trace's origin, as SQLite migration 022
 * keeps it on `events`. NULL for events put directly (and for those indexed before).
 */
export const migration: PgMigration = {
  version: 12,
  name: 'event-via',
  sql: `
    ALTER TABLE event_index ADD COLUMN via text;
  `,
};
