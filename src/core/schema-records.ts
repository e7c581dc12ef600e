import type { JsonValue } from './json.js';

// The schema registry's records, shared by the registry (src/schemas) and every store backend
// (src/store), which sit on the same layer and so cannot import each other.

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
