import type { Database } from 'better-sqlite3';
import type { Clock, JsonValue } from '../../core/index.js';
import type {
  BusSchemaSettings, CompatibilityMode, SchemaCatalog, SchemaCheckRecord, SchemaDialect, SchemaRecord, SchemaVersionRecord,
} from '../schema-types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';
import {
  DEFAULT_BUS_SCHEMA_SETTINGS, schemaCheckOf, schemaRecordOf as toSchema, schemaSettingsOf as toSettings, schemaVersionOf as toVersion, scope,
  type SchemaCheckRow as CheckRow, type SchemaRow, type SchemaSettingsRow as SettingsRow, type SchemaVersionRow as VersionRow,
} from '../schema-rows.js';

/** The schema registry's tables (migration 004). Writers are serialized by SQLite. */
export class SqliteSchemaCatalog implements SchemaCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;

  constructor(db: Database, clock: Clock, feed: ChangeFeed) {
    this.#db = db;
    this.#clock = clock;
    this.#feed = feed;
  }

  async upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): Promise<{ schema: SchemaRecord; created: boolean }> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const now = this.#clock.now();
      const old = this.#read(s.name, s.source);
      const row = this.#db.prepare<[string, string, string | null, CompatibilityMode, number, number], SchemaRow>(`
        INSERT INTO schemas (name, source, description, compatibility, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name, source) DO UPDATE SET description = excluded.description,
          compatibility = excluded.compatibility, updated_at = excluded.updated_at
        RETURNING *`).get(
        s.name, scope(s.source),
        s.description === undefined ? (old?.description ?? null) : s.description,
        s.compatibility ?? old?.compatibility ?? 'BACKWARD', now, now,
      );
      return { value: { schema: toSchema(row!), created: old === undefined }, changes: [{ type: 'schema', op: 'put', name: s.name, source: s.source }] };
    });
  }

  async get(name: string, source: string | null): Promise<SchemaRecord | undefined> {
    return this.#read(name, source);
  }

  #read(name: string, source: string | null): SchemaRecord | undefined {
    const r = this.#db.prepare<[string, string], SchemaRow>('SELECT * FROM schemas WHERE name = ? AND source = ?').get(name, scope(source));
    return r === undefined ? undefined : toSchema(r);
  }

  async list(): Promise<SchemaRecord[]> {
    return this.#db.prepare<[], SchemaRow>('SELECT * FROM schemas ORDER BY name, source').all().map(toSchema);
  }

  async delete(name: string, source: string | null): Promise<boolean> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const deleted = this.#db.prepare('DELETE FROM schemas WHERE name = ? AND source = ?').run(name, scope(source)).changes > 0;
      return { value: deleted, changes: deleted ? [{ type: 'schema', op: 'delete', name, source }] : [] };
    });
  }

  async addVersion(v: { name: string; source: string | null; dialect: SchemaDialect; schema: JsonValue; origin: 'api' | 'discovery' }): Promise<SchemaVersionRecord> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const now = this.#clock.now();
      const bumped = this.#db.prepare<[number, string, string], { latest: number }>(
        'UPDATE schemas SET latest = latest + 1, updated_at = ? WHERE name = ? AND source = ? RETURNING latest',
      ).get(now, v.name, scope(v.source));
      if (bumped === undefined) throw new Error(`schema ${v.name} does not exist`);
      const row = this.#db.prepare<[string, string, number, SchemaDialect, string, string, number], VersionRow>(`
        INSERT INTO schema_versions (name, source, version, dialect, body, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        RETURNING *`).get(v.name, scope(v.source), bumped.latest, v.dialect, JSON.stringify(v.schema), v.origin, now);
      return { value: toVersion(row!), changes: [{ type: 'schema', op: 'put', name: v.name, source: v.source }] };
    });
  }

  async version(name: string, source: string | null, version: number): Promise<SchemaVersionRecord | undefined> {
    const r = this.#db.prepare<[string, string, number], VersionRow>('SELECT * FROM schema_versions WHERE name = ? AND source = ? AND version = ?').get(name, scope(source), version);
    return r === undefined ? undefined : toVersion(r);
  }

  async versions(name: string, source: string | null): Promise<SchemaVersionRecord[]> {
    return this.#db.prepare<[string, string], VersionRow>('SELECT * FROM schema_versions WHERE name = ? AND source = ? ORDER BY version').all(name, scope(source)).map(toVersion);
  }

  async settings(bus: string): Promise<BusSchemaSettings> {
    return this.#settings(bus);
  }

  #settings(bus: string): BusSchemaSettings {
    const r = this.#db.prepare<[string], SettingsRow>('SELECT * FROM bus_schema_settings WHERE bus = ?').get(bus);
    return r === undefined ? { bus, ...DEFAULT_BUS_SCHEMA_SETTINGS } : toSettings(r);
  }

  async listSettings(): Promise<BusSchemaSettings[]> {
    return this.#db.prepare<[], SettingsRow>('SELECT * FROM bus_schema_settings ORDER BY bus').all().map(toSettings);
  }

  async setSettings(s: BusSchemaSettings): Promise<BusSchemaSettings> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      this.#db.prepare(`
        INSERT INTO bus_schema_settings (bus, validation, discovery, sample_rate, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (bus) DO UPDATE SET validation = excluded.validation, discovery = excluded.discovery,
          sample_rate = excluded.sample_rate, updated_at = excluded.updated_at`,
      ).run(s.bus, s.validation, s.discovery ? 1 : 0, s.sampleRate, this.#clock.now());
      return { value: this.#settings(s.bus), changes: [{ type: 'schema-settings', op: 'put', bus: s.bus }] };
    });
  }

  async markInvalid(r: Omit<SchemaCheckRecord, 'checkedAt'>): Promise<void> {
    this.#db.prepare('INSERT OR REPLACE INTO event_schema_checks (bus, seq, schema, violations, checked_at) VALUES (?, ?, ?, ?, ?)')
      .run(r.bus, r.sequence, r.schema, JSON.stringify(r.violations), this.#clock.now());
  }

  async invalid(bus: string, sequence: number): Promise<SchemaCheckRecord | undefined> {
    const r = this.#db.prepare<[string, number], CheckRow>('SELECT * FROM event_schema_checks WHERE bus = ? AND seq = ?').get(bus, sequence);
    return r === undefined ? undefined : schemaCheckOf(r);
  }
}
