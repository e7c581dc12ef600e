import type { JsonValue } from '../core/index.js';

/** JSON Schema dialects the registry accepts. */
export type SchemaDialect = '2020-12' | 'draft-07';

/** Compatibility of a new version against the latest one, as in the Confluent registry. */
export type CompatibilityMode = 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';

/** Schema validation at ingest, per bus. */
export type ValidationMode = 'off' | 'warn' | 'enforce';

/** A schema: a name (by default a CloudEvents type), optionally scoped by source. */
export interface SchemaRecord {
  readonly name: string;
  /** The CloudEvents source this schema is scoped to; null = applies to any source. */
  readonly source: string | null;
  readonly description: string | null;
  readonly compatibility: CompatibilityMode;
  /** The newest version number; 0 while the schema has no version yet. */
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One immutable version of a schema. */
export interface SchemaVersionRecord {
  readonly name: string;
  readonly source: string | null;
  readonly version: number;
  readonly dialect: SchemaDialect;
  readonly schema: JsonValue;
  /** Registered through the API, or inferred by discovery. */
  readonly origin: 'api' | 'discovery';
  readonly createdAt: number;
}

/** Schema settings of a bus; a bus without a row has the defaults (off, no discovery). */
export interface BusSchemaSettings {
  readonly bus: string;
  readonly validation: ValidationMode;
  readonly discovery: boolean;
  /** Fraction of events discovery looks at, in (0, 1]. */
  readonly sampleRate: number;
}

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
