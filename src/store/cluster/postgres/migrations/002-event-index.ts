import type { PgMigration } from './migration.js';

/**
 * What PostgreSQL keeps of each event of the log (JetStream holds the events themselves): the
 * attributes search filters on, the ingest origin, the matched rules and the payload's words,
 * fed by `indexAppended` (event-index.ts) — plus the event catalogue and warn-mode schema marks.
 *
 * - `event_index`: one row per stored event, keyed (bus, seq). `words` are the distinct
 *   lower-cased words of the payload (`data`), searched with `@>` on a GIN index: every word of
 *   a query must occur, nothing in the query is syntax.
 * - Attribute values are producers' text of any length (up to the event size): btree indexes
 *   hold their md5 (a btree entry holds at most ~2.7 kB), and queries compare both the hash
 *   (to use the index) and the value.
 * - `event_schema_checks` goes with its event: the index sweep and a bus delete remove it. No
 *   foreign key: a mark may be written before the log's consumer has indexed its event.
 * - `event_types` / `event_type_buses`: the catalogue (event-type-types.ts); counts are "seen"
 *   counts that retention does not lower.
 */
export const migration: PgMigration = {
  version: 2,
  name: 'event-index',
  sql: `
    CREATE TABLE event_index (
      bus           text COLLATE "C" NOT NULL,
      seq           int8 NOT NULL,
      id            text NOT NULL,
      source        text NOT NULL,
      type          text NOT NULL,
      subject       text,
      time          text,
      mode          text NOT NULL,
      size          int8 NOT NULL,
      received_at   float8 NOT NULL,
      matched_rules text[] NOT NULL,
      client        text,
      traceparent   text,
      words         text[] NOT NULL,
      PRIMARY KEY (bus, seq)
    );
    CREATE INDEX event_index_id ON event_index (bus, md5(id), seq);
    CREATE INDEX event_index_type ON event_index (bus, md5(type), seq);
    CREATE INDEX event_index_received ON event_index (bus, received_at);
    CREATE INDEX event_index_words ON event_index USING gin (words);
    CREATE INDEX event_index_rules ON event_index USING gin (matched_rules);
    CREATE TABLE event_schema_checks (
      bus        text COLLATE "C" NOT NULL,
      seq        int8 NOT NULL,
      schema     text NOT NULL,
      violations text NOT NULL,
      checked_at float8 NOT NULL,
      PRIMARY KEY (bus, seq)
    );
    CREATE TABLE event_types (
      bus         text COLLATE "C" NOT NULL,
      source      text COLLATE "C" NOT NULL,
      type        text COLLATE "C" NOT NULL,
      count       int8 NOT NULL,
      first_seen  float8 NOT NULL,
      last_seen   float8 NOT NULL,
      sample_seq  int8 NOT NULL,
      sample_id   text NOT NULL,
      sample_body text
    );
    CREATE UNIQUE INDEX event_types_key ON event_types (bus, md5(source), md5(type));
    CREATE TABLE event_type_buses (
      bus      text COLLATE "C" PRIMARY KEY,
      types    int8 NOT NULL,
      overflow int8 NOT NULL
    );
  `,
};
