import type { Migration } from './migration.js';

/**
 * Observability: where each event came from (client address, W3C traceparent of the put
 * request) and full-text search over the payload.
 *
 * `events_fts` is a contentless FTS5 table (no second copy of the payload) keyed by the rowid of
 * `events`; `contentless_delete=1` lets a row be dropped by rowid alone. Triggers keep it in step
 * inside the same transaction as every insert and delete of `events`, so append, retention and
 * bus deletion never leave the index behind. The indexed text is the event's `data` as JSON
 * (`data_base64` payloads are not indexed). Invariant: the store never VACUUMs, so the implicit
 * rowid of `events` is stable.
 */
export const migration: Migration = {
  version: 5,
  name: 'observe: ingest metadata, payload full-text index',
  sql: `
    ALTER TABLE events ADD COLUMN client TEXT;
    ALTER TABLE events ADD COLUMN traceparent TEXT;
    CREATE VIRTUAL TABLE events_fts USING fts5 (payload, content='', contentless_delete=1);
    CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
      INSERT INTO events_fts (rowid, payload) VALUES (new.rowid, coalesce(json_extract(new.body, '$.data'), ''));
    END;
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
      DELETE FROM events_fts WHERE rowid = old.rowid;
    END;
  `,
};
