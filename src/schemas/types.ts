import type { JsonValue } from '../core/index.js';

/** Mirrors of the store's schema types (src/schemas may not import src/store: same layer). */
export type SchemaDialect = '2020-12' | 'draft-07';
export type CompatibilityMode = 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';
export type ValidationMode = 'off' | 'warn' | 'enforce';

/** A schema as the registry stores it (structurally the store's SchemaRecord). */
export interface SchemaInfo {
  readonly name: string;
  readonly source: string | null;
  readonly description: string | null;
  readonly compatibility: CompatibilityMode;
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One immutable version (structurally the store's SchemaVersionRecord). */
export interface SchemaVersion {
  readonly name: string;
  readonly source: string | null;
  readonly version: number;
  readonly dialect: SchemaDialect;
  readonly schema: JsonValue;
  readonly origin: 'api' | 'discovery';
  readonly createdAt: number;
}

export interface BusSchemaSettings {
  readonly bus: string;
  readonly validation: ValidationMode;
  readonly discovery: boolean;
  readonly sampleRate: number;
}

/**
 * What the registry needs from storage; the store's SchemaCatalog satisfies it (wired in
 * src/server). Declared here because src/schemas and src/store are on the same layer.
 */
export interface SchemaStorage {
  upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): { schema: SchemaInfo; created: boolean };
  get(name: string, source: string | null): SchemaInfo | undefined;
  list(): SchemaInfo[];
  delete(name: string, source: string | null): boolean;
  addVersion(v: { name: string; source: string | null; dialect: SchemaDialect; schema: JsonValue; origin: 'api' | 'discovery' }): SchemaVersion;
  version(name: string, source: string | null, version: number): SchemaVersion | undefined;
  versions(name: string, source: string | null): SchemaVersion[];
  settings(bus: string): BusSchemaSettings;
  setSettings(s: BusSchemaSettings): BusSchemaSettings;
}
