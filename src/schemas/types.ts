import type { BusSchemaSettings, CompatibilityMode, JsonValue, SchemaDialect, SchemaRecord, SchemaVersionRecord } from '../core/index.js';

export type { SchemaDialect, CompatibilityMode, ValidationMode, BusSchemaSettings } from '../core/index.js';

/** A schema as the registry stores it. */
export type SchemaInfo = SchemaRecord;

/** One immutable version of a schema. */
export type SchemaVersion = SchemaVersionRecord;

/**
 * What the registry needs from storage; the store's SchemaCatalog satisfies it (wired in
 * src/server). Declared here because src/schemas and src/store are on the same layer.
 */
export interface SchemaStorage {
  upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): Promise<{ schema: SchemaInfo; created: boolean }>;
  get(name: string, source: string | null): Promise<SchemaInfo | undefined>;
  list(): Promise<SchemaInfo[]>;
  delete(name: string, source: string | null): Promise<boolean>;
  addVersion(v: { name: string; source: string | null; dialect: SchemaDialect; schema: JsonValue; origin: 'api' | 'discovery' }): Promise<SchemaVersion>;
  version(name: string, source: string | null, version: number): Promise<SchemaVersion | undefined>;
  versions(name: string, source: string | null): Promise<SchemaVersion[]>;
  settings(bus: string): Promise<BusSchemaSettings>;
  /** The settings of every bus that has them stored (others have the defaults). */
  listSettings(): Promise<BusSchemaSettings[]>;
  setSettings(s: BusSchemaSettings): Promise<BusSchemaSettings>;
}
