import type { Migration } from './migration.js';

/**
 * The payload full-text index (migration 005) is fed by the event log's append instead of an
 * AFTER INSERT trigger. Same transaction, same text (`coalesce(json_extract(body, '$.data'), '')`
 * keyed by the event's rowid), so search sees exactly what it saw before; only the cost changes.
 * An FTS5 insert run from a trigger pays for a statement savepoint per row, which makes FTS5 write
 * its pending terms out per event instead of once per commit: ~2.3× the CPU of the same insert
 * run directly in a 100-event transaction (measured when this migration was written; the figures are in the git history of docs/benchmarks.md). The delete trigger stays:
 * retention and bus deletion still keep the index in step through it.
 *
 * Invariant: SqliteEventLog is the only writer of `events` rows (every insert goes through its
 * append, which indexes the row in the same transaction).
 */
export const migration: Migration = {
  version: 8,
  name: 'full-text index fed by the append, not by an insert trigger',
  sql: `
    DROP TRIGGER IF EXISTS events_fts_insert;
  `,
};
