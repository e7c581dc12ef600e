import type { BusSchemaSettings, CompatibilityMode, JsonValue, SchemaDialect, SchemaRecord, SchemaVersionRecord } from '../core/index.js';

export type { BusSchemaSettings, CompatibilityMode, SchemaDialect, SchemaRecord, SchemaVersionRecord, ValidationMode } from '../core/index.js';

/** An event accepted in `warn` mode although its data broke its schema. */
export interface SchemaCheckRecord {
  readonly bus: string;
  readonly sequence: number;
  /** The schema version applied, as its URN (urn:switchyard:schema:<name>:<version>). */
  readonly schema: string;
  readonly violations: readonly { readonly path: string; readonly reason: string }[];
  readonly checkedAt: number;
}

/** Storage of the schema registry. Versions are immutable; numbering is gap-free per schema. */
export interface SchemaCatalog {
  /** Creates the schema or updates its description/compatibility; `created` tells which. */
  upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): Promise<{ schema: SchemaRecord; created: boolean }>;
  get(name: string, source: string | null): Promise<SchemaRecord | undefined>;
  list(): Promise<SchemaRecord[]>;
  /** Deletes the schema and all its versions; false when it did not exist. */
  delete(name: string, source: string | null): Promise<boolean>;
  /** Appends the next version (latest + 1) of an existing schema, atomically. */
  addVersion(v: { name: string; source: string | null; dialect: SchemaDialect; schema: JsonValue; origin: 'api' | 'discovery' }): Promise<SchemaVersionRecord>;
  version(name: string, source: string | null, version: number): Promise<SchemaVersionRecord | undefined>;
  versions(name: string, source: string | null): Promise<SchemaVersionRecord[]>;
  settings(bus: string): Promise<BusSchemaSettings>;
  /** The settings of every bus that has a row (others have the defaults). */
  listSettings(): Promise<BusSchemaSettings[]>;
  setSettings(s: BusSchemaSettings): Promise<BusSchemaSettings>;
  /** Records that a stored event broke its schema (warn mode). */
  markInvalid(r: Omit<SchemaCheckRecord, 'checkedAt'>): Promise<void>;
  invalid(bus: string, sequence: number): Promise<SchemaCheckRecord | undefined>;
}
