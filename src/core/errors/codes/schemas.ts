import type { ErrorTable } from '../spec.js';

/** Error codes of the schemas area. Codes are stable: never rename or reuse one. */
export const schemasErrors = {
  SWY_SCHEMA_VALIDATION_FAILED: { status: 400, title: 'Event data does not match its schema', doc: 'The bus validates in `enforce` mode and an event\'s data breaks the schema that applies to it (its `dataschema` in the registry, else its type and source). Nothing of the request was stored; `violations` lists each problem with its path (`/data/...`, prefixed by the batch index or `/entries/<i>`). See docs/schemas.md.' },
  SWY_SCHEMA_INVALID: { status: 400, title: 'Invalid JSON Schema', doc: 'A schema version is not a valid JSON Schema of its dialect (2020-12 or draft-07), or it does not compile. `violations` gives the path inside the schema of each problem.' },
  SWY_SCHEMA_TOO_LARGE: { status: 413, title: 'Schema too large', doc: 'A schema is longer than 128 KiB as compact JSON or nests deeper than 128 levels (objects and arrays). Compiling and checking a schema is synchronous work, so the registry bounds it; describe one event type per schema. See docs/schemas.md, "Limits".' },
  SWY_SCHEMA_INCOMPATIBLE: { status: 409, title: 'Schema version breaks compatibility', doc: 'A new version breaks the compatibility mode of its schema (BACKWARD, FORWARD or FULL) against the latest version. `violations` lists each break: the path in the schema and what breaks (docs/schemas.md, "Compatibility"). Change the schema or the mode.' },
  SWY_SCHEMA_NOT_FOUND: { status: 404, title: 'Schema not found', doc: 'No schema has this name (and source scope, `?source=`).' },
  SWY_SCHEMA_VERSION_NOT_FOUND: { status: 404, title: 'Schema version not found', doc: 'The schema exists but has no such version (versions are numbered 1, 2, ... and `latest`).' },
  SWY_SCHEMA_INVALID_REQUEST: { status: 400, title: 'Invalid schema request', doc: 'A schema registry request is malformed: a bad compatibility mode, validation mode, sample rate, dialect or code generation language. `violations` gives each problem.' },
} as const satisfies ErrorTable;
