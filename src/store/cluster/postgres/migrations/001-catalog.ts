import type { PgMigration } from './migration.js';

/**
 * The catalog (DESIGN.md §4): buses, rules, the schema registry with per-bus settings,
 * connections and target signing secrets — the tables of SQLite migrations 001/002/004/006 minus
 * the events, which live in JetStream. Names are `COLLATE "C"` so listings and prefixes order by
 * code point as on SQLite, whatever the database's collation. Times are ms as float8: what the
 * clock (or a measured duration) gave, fractions kept, as SQLite keeps them.
 *
 * `buses.next_seq` is the sequence the next event of the bus receives as far as the index has
 * seen (indexAppended raises it); the event log's own sequence (the stream's) is the truth.
 *
 * `catalog_changes` keeps each announced change for a while: a listener that lost its connection
 * catches up from it (change-relay.ts); the NOTIFY carries the change itself.
 */
export const migration: PgMigration = {
  version: 1,
  name: 'catalog',
  sql: `
    CREATE TABLE buses (
      name        text COLLATE "C" PRIMARY KEY,
      description text,
      created_at  float8 NOT NULL,
      max_age_ms  int8,
      max_count   int8,
      next_seq    int8 NOT NULL DEFAULT 1
    );
    CREATE TABLE rules (
      bus         text COLLATE "C" NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      name        text COLLATE "C" NOT NULL,
      description text,
      state       text NOT NULL CHECK (state IN ('enabled', 'disabled')),
      filter      text NOT NULL,
      targets     text NOT NULL,
      created_at  float8 NOT NULL,
      updated_at  float8 NOT NULL,
      PRIMARY KEY (bus, name)
    );
    CREATE TABLE schemas (
      name          text COLLATE "C" NOT NULL,
      source        text COLLATE "C" NOT NULL DEFAULT '',
      description   text,
      compatibility text NOT NULL CHECK (compatibility IN ('BACKWARD', 'FORWARD', 'FULL', 'NONE')),
      latest        int8 NOT NULL DEFAULT 0,
      created_at    float8 NOT NULL,
      updated_at    float8 NOT NULL,
      PRIMARY KEY (name, source)
    );
    CREATE TABLE schema_versions (
      name       text COLLATE "C" NOT NULL,
      source     text COLLATE "C" NOT NULL,
      version    int8 NOT NULL,
      dialect    text NOT NULL CHECK (dialect IN ('2020-12', 'draft-07')),
      body       text NOT NULL,
      origin     text NOT NULL CHECK (origin IN ('api', 'discovery')),
      created_at float8 NOT NULL,
      PRIMARY KEY (name, source, version),
      FOREIGN KEY (name, source) REFERENCES schemas (name, source) ON DELETE CASCADE
    );
    CREATE TABLE bus_schema_settings (
      bus         text COLLATE "C" PRIMARY KEY REFERENCES buses (name) ON DELETE CASCADE,
      validation  text NOT NULL CHECK (validation IN ('off', 'warn', 'enforce')),
      discovery   boolean NOT NULL,
      sample_rate float8 NOT NULL CHECK (sample_rate > 0 AND sample_rate <= 1),
      updated_at  float8 NOT NULL
    );
    CREATE TABLE connections (
      name        text COLLATE "C" PRIMARY KEY,
      kind        text NOT NULL,
      description text,
      config      text NOT NULL,
      sealed      text NOT NULL,
      created_at  float8 NOT NULL,
      updated_at  float8 NOT NULL
    );
    CREATE TABLE signing_secrets (
      target_key text COLLATE "C" NOT NULL,
      created_at float8 NOT NULL,
      sealed     text NOT NULL,
      expires_at float8,
      PRIMARY KEY (target_key, created_at)
    );
    CREATE TABLE catalog_changes (
      id     bigserial PRIMARY KEY,
      change text NOT NULL,
      at     timestamptz NOT NULL DEFAULT now()
    );
  `,
};
