import type { Migration } from './migration.js';

/**
 * Schema registry (docs/schemas.md). A schema is keyed by (name, source); source '' means
 * "not scoped by source". Versions are immutable rows numbered 1, 2, ... per schema.
 * `event_schema_checks` marks events accepted in `warn` mode with the violations found; it
 * follows the event's lifetime through the foreign key (retention and bus deletion cascade).
 */
export const migration: Migration = {
  version: 4,
  name: 'schemas',
  sql: `
    CREATE TABLE schemas (
      name          TEXT    NOT NULL,
      source        TEXT    NOT NULL DEFAULT '',
      description   TEXT,
      compatibility TEXT    NOT NULL CHECK (compatibility IN ('BACKWARD', 'FORWARD', 'FULL', 'NONE')),
      latest        INTEGER NOT NULL DEFAULT 0,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (name, source)
    );
    CREATE TABLE schema_versions (
      name       TEXT    NOT NULL,
      source     TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      dialect    TEXT    NOT NULL CHECK (dialect IN ('2020-12', 'draft-07')),
      body       TEXT    NOT NULL,
      origin     TEXT    NOT NULL CHECK (origin IN ('api', 'discovery')),
      created_at INTEGER NOT NULL,
      PRIMARY KEY (name, source, version),
      FOREIGN KEY (name, source) REFERENCES schemas (name, source) ON DELETE CASCADE
    );
    CREATE TABLE bus_schema_settings (
      bus         TEXT    PRIMARY KEY REFERENCES buses (name) ON DELETE CASCADE,
      validation  TEXT    NOT NULL CHECK (validation IN ('off', 'warn', 'enforce')),
      discovery   INTEGER NOT NULL CHECK (discovery IN (0, 1)),
      sample_rate REAL    NOT NULL CHECK (sample_rate > 0 AND sample_rate <= 1),
      updated_at  INTEGER NOT NULL
    );
    CREATE TABLE event_schema_checks (
      bus        TEXT    NOT NULL,
      seq        INTEGER NOT NULL,
      schema     TEXT    NOT NULL,
      violations TEXT    NOT NULL,
      checked_at INTEGER NOT NULL,
      PRIMARY KEY (bus, seq),
      FOREIGN KEY (bus, seq) REFERENCES events (bus, seq) ON DELETE CASCADE
    );
  `,
};
