import type pg from 'pg';
import type { Clock, JsonValue } from '../../../core/index.js';
import type {
  BusSchemaSettings, CompatibilityMode, SchemaCatalog, SchemaCheckRecord, SchemaDialect, SchemaRecord, SchemaVersionRecord,
} from '../../schema-types.js';
import type { ChangeRelay } from './change-relay.js';
import { writeAndAnnounce } from './write-announce.js';
import {
  DEFAULT_BUS_SCHEMA_SETTINGS, schemaCheckOf, schemaRecordOf as toSchema, schemaSettingsOf as toSettings, schemaVersionOf as toVersion, scope,
  type SchemaCheckRow as CheckRow, type SchemaRow, type SchemaSettingsRow as SettingsRow, type SchemaVersionRow as VersionRow,
} from '../../schema-rows.js';

/**
 * The schema registry's storage in PostgreSQL. Version numbers stay gap-free across nodes: the
 * next one is taken by incrementing `schemas.latest`, which locks the schema row until commit.
 */
export class PgSchemaCatalog implements SchemaCatalog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #relay: ChangeRelay;

  constructor(pool: pg.Pool, clock: Clock, relay: ChangeRelay) {
    this.#pool = pool;
    this.#clock = clock;
    this.#relay = relay;
  }

  async upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): Promise<{ schema: SchemaRecord; created: boolean }> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const now = this.#clock.now();
      // Absent fields keep their stored value on update ($6/$7 say whether they were given).
      const { rows } = await c.query<SchemaRow & { created: boolean }>(`
        INSERT INTO schemas (name, source, description, compatibility, created_at, updated_at) VALUES ($1, $2, $3, coalesce($4, 'BACKWARD'), $5, $5)
        ON CONFLICT (name, source) DO UPDATE SET
          description = CASE WHEN $6 THEN excluded.description ELSE schemas.description END,
          compatibility = CASE WHEN $7 THEN excluded.compatibility ELSE schemas.compatibility END,
          updated_at = excluded.updated_at
        RETURNING *, (xmax = 0) AS created`,
      [s.name, scope(s.source), s.description ?? null, s.compatibility ?? null, now, s.description !== undefined, s.compatibility !== undefined]);
      const row = rows[0]!;
      return { value: { schema: toSchema(row), created: row.created }, changes: [{ type: 'schema', op: 'put', name: s.name, source: s.source }] };
    });
  }

  async get(name: string, source: string | null): Promise<SchemaRecord | undefined> {
    const { rows } = await this.#pool.query<SchemaRow>('SELECT * FROM schemas WHERE name = $1 AND source = $2', [name, scope(source)]);
    return rows[0] === undefined ? undefined : toSchema(rows[0]);
  }

  async list(): Promise<SchemaRecord[]> {
    return (await this.#pool.query<SchemaRow>('SELECT * FROM schemas ORDER BY name, source')).rows.map(toSchema);
  }

  async delete(name: string, source: string | null): Promise<boolean> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const deleted = ((await c.query('DELETE FROM schemas WHERE name = $1 AND source = $2', [name, scope(source)])).rowCount ?? 0) > 0;
      return { value: deleted, changes: deleted ? [{ type: 'schema', op: 'delete', name, source }] : [] };
    });
  }

  async addVersion(v: { name: string; source: string | null; dialect: SchemaDialect; schema: JsonValue; origin: 'api' | 'discovery' }): Promise<SchemaVersionRecord> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const now = this.#clock.now();
      const bumped = await c.query<{ latest: number }>('UPDATE schemas SET latest = latest + 1, updated_at = $1 WHERE name = $2 AND source = $3 RETURNING latest', [now, v.name, scope(v.source)]);
      if (bumped.rows[0] === undefined) throw new Error(`schema ${v.name} does not exist`);
      const { rows } = await c.query<VersionRow>(`
        INSERT INTO schema_versions (name, source, version, dialect, body, origin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [v.name, scope(v.source), bumped.rows[0].latest, v.dialect, JSON.stringify(v.schema), v.origin, now]);
      return { value: toVersion(rows[0]!), changes: [{ type: 'schema', op: 'put', name: v.name, source: v.source }] };
    });
  }

  async version(name: string, source: string | null, version: number): Promise<SchemaVersionRecord | undefined> {
    const { rows } = await this.#pool.query<VersionRow>('SELECT * FROM schema_versions WHERE name = $1 AND source = $2 AND version = $3', [name, scope(source), version]);
    return rows[0] === undefined ? undefined : toVersion(rows[0]);
  }

  async versions(name: string, source: string | null): Promise<SchemaVersionRecord[]> {
    return (await this.#pool.query<VersionRow>('SELECT * FROM schema_versions WHERE name = $1 AND source = $2 ORDER BY version', [name, scope(source)])).rows.map(toVersion);
  }

  async settings(bus: string): Promise<BusSchemaSettings> {
    const { rows } = await this.#pool.query<SettingsRow>('SELECT * FROM bus_schema_settings WHERE bus = $1', [bus]);
    return rows[0] === undefined ? { bus, ...DEFAULT_BUS_SCHEMA_SETTINGS } : toSettings(rows[0]);
  }

  async listSettings(): Promise<BusSchemaSettings[]> {
    return (await this.#pool.query<SettingsRow>('SELECT * FROM bus_schema_settings ORDER BY bus')).rows.map(toSettings);
  }

  async setSettings(s: BusSchemaSettings): Promise<BusSchemaSettings> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const { rows } = await c.query<SettingsRow>(`
        INSERT INTO bus_schema_settings (bus, validation, discovery, sample_rate, updated_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (bus) DO UPDATE SET validation = excluded.validation, discovery = excluded.discovery,
          sample_rate = excluded.sample_rate, updated_at = excluded.updated_at
        RETURNING *`, [s.bus, s.validation, s.discovery, s.sampleRate, this.#clock.now()]);
      return { value: toSettings(rows[0]!), changes: [{ type: 'schema-settings', op: 'put', bus: s.bus }] };
    });
  }

  async markInvalid(r: Omit<SchemaCheckRecord, 'checkedAt'>): Promise<void> {
    await this.#pool.query(`
      INSERT INTO event_schema_checks (bus, seq, schema, violations, checked_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (bus, seq) DO UPDATE SET schema = excluded.schema, violations = excluded.violations, checked_at = excluded.checked_at`,
    [r.bus, r.sequence, r.schema, JSON.stringify(r.violations), this.#clock.now()]);
  }

  async invalid(bus: string, sequence: number): Promise<SchemaCheckRecord | undefined> {
    const { rows } = await this.#pool.query<CheckRow>('SELECT * FROM event_schema_checks WHERE bus = $1 AND seq = $2', [bus, sequence]);
    return rows[0] === undefined ? undefined : schemaCheckOf(rows[0]);
  }
}
