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
