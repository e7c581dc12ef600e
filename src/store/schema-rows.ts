import type { JsonValue } from '../core/index.js';
import type { BusSchemaSettings, CompatibilityMode, SchemaCheckRecord, SchemaDialect, SchemaRecord, SchemaVersionRecord } from './schema-types.js';

/** A schema as both backends store it; `source` is scoped (see {@link scope}). */
export interface SchemaRow { name: string; source: string; description: string | null; compatibility: CompatibilityMode; latest: number; created_at: number; updated_at: number }
/** A schema version as both backends store it (the schema as JSON text in `body`). */
export interface SchemaVersionRow { name: string; source: string; version: number; dialect: SchemaDialect; body: string; origin: 'api' | 'discovery'; created_at: number }
/** A bus's schema settings: `discovery` is a boolean on PostgreSQL, 0 or 1 on SQLite. */
export interface SchemaSettingsRow { bus: string; validation: BusSchemaSettings['validation']; discovery: boolean | 0 | 1; sample_rate: number }
/** An event's failed schema check as both backends store it (violations as JSON text). */
export interface SchemaCheckRow { bus: string; seq: number; schema: string; violations: string; checked_at: number }

/** Source scope as stored: '' stands for "any source" so the primary key stays NOT NULL. */
export const scope = (source: string | null): string => source ?? '';
const unscope = (source: string): string | null => (source === '' ? null : source);

/** A bus's schema settings until they are set. */
export const DEFAULT_BUS_SCHEMA_SETTINGS = { validation: 'off', discovery: false, sampleRate: 1 } as const;

export const schemaRecordOf = (r: SchemaRow): SchemaRecord => ({
  name: r.name, source: unscope(r.source), description: r.description, compatibility: r.compatibility,
  latestVersion: r.latest, createdAt: r.created_at, updatedAt: r.updated_at,
});

export const schemaVersionOf = (r: SchemaVersionRow): SchemaVersionRecord => ({
  name: r.name, source: unscope(r.source), version: r.version, dialect: r.dialect,
  schema: JSON.parse(r.body) as JsonValue, origin: r.origin, createdAt: r.created_at,
});

export const schemaSettingsOf = (r: SchemaSettingsRow): BusSchemaSettings => ({
  bus: r.bus, validation: r.validation, discovery: r.discovery === true || r.discovery === 1, sampleRate: r.sample_rate,
});

export const schemaCheckOf = (r: SchemaCheckRow): SchemaCheckRecord => ({
  bus: r.bus, sequence: r.seq, schema: r.schema, violations: JSON.parse(r.violations) as SchemaCheckRecord['violations'], checkedAt: r.checked_at,
});
