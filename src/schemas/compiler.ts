import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SwitchyardError, type JsonValue, type Violation } from '../core/index.js';
import { checkSchemaLimits } from './limits.js';
import type { SchemaDialect } from './types.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

const DIALECT_URIS: Readonly<Record<string, SchemaDialect>> = {
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'http://json-schema.org/draft-07/schema#': 'draft-07',
};

/**
 * The dialect of a schema: its `$schema` keyword when it names one we support, else `given`,
 * else 2020-12. A `$schema` naming another draft is refused rather than guessed.
 */
export function detectDialect(schema: JsonValue, given?: SchemaDialect): SchemaDialect {
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema) && typeof schema.$schema === 'string') {
    const d = DIALECT_URIS[schema.$schema];
    if (d === undefined) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID', `unsupported $schema ${JSON.stringify(schema.$schema)}`, {
        violations: [{ path: '/$schema', reason: 'must be the 2020-12 or draft-07 meta-schema URI' }],
      });
    }
    if (given !== undefined && given !== d) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID', `$schema says ${d} but dialect says ${given}`, {
        violations: [{ path: '/$schema', reason: `names ${d}, the request names ${given}` }],
      });
    }
    return d;
  }
  return given ?? '2020-12';
}

/** One ajv error as a violation; `prefix` is where the validated value sits (e.g. "/data"). */
export function toViolation(e: ErrorObject, prefix: string): Violation {
  let path = prefix + e.instancePath;
  let reason = e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    path += `/${String((e.params as { missingProperty: string }).missingProperty)}`;
    reason = 'is required';
  } else if (e.keyword === 'additionalProperties') {
    path += `/${String((e.params as { additionalProperty: string }).additionalProperty)}`;
    reason = 'is not allowed (additionalProperties)';
  } else if (e.keyword === 'enum') reason = `must be one of ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`;
  return { path, reason };
}

/**
 * Compiles JSON Schemas with ajv, one instance per dialect. Compiling is costly (code
 * generation), so each compiled validator is cached under its caller's key; the registry keys
 * by (name, source, version), which never changes meaning because versions are immutable.
 */
export class SchemaCompiler {
  readonly #ajv: Record<SchemaDialect, Ajv>;
  readonly #cache = new Map<string, ValidateFunction>();

  constructor() {
    // strict: false — registered schemas may carry vendor keywords (x-*, examples...), which
    // JSON Schema allows; allErrors so a rejection lists every violation.
    const opts = { strict: false, allErrors: true, validateFormats: true } as const;
    const a2020 = new Ajv2020(opts);
    const a07 = new Ajv(opts);
    addFormats(a2020 as unknown as Ajv);
    addFormats(a07);
    this.#ajv = { '2020-12': a2020, 'draft-07': a07 };
  }

  /**
   * Throws SWY_SCHEMA_TOO_LARGE past the limits (limits.ts), else SWY_SCHEMA_INVALID with one
   * violation per meta-schema error or the compile error.
   */
  check(dialect: SchemaDialect, schema: JsonValue): void {
    if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID', 'a JSON Schema is an object or a boolean', { violations: [{ path: '', reason: 'must be an object or a boolean' }] });
    }
    checkSchemaLimits(schema);
    const ajv = this.#ajv[dialect];
    if (!ajv.validateSchema(schema)) {
      const violations = (ajv.errors ?? []).map((e) => toViolation(e, ''));
      throw new SwitchyardError('SWY_SCHEMA_INVALID', `not a valid ${dialect} JSON Schema`, { violations });
    }
    this.compile(dialect, schema);
  }

  /** The compiled validator for `key`, compiling `schema` the first time. */
  validator(key: string, dialect: SchemaDialect, schema: JsonValue): ValidateFunction {
    let v = this.#cache.get(key);
    if (v === undefined) {
      v = this.compile(dialect, schema);
      this.#cache.set(key, v);
    }
    return v;
  }

  /** Compiles without caching (the registry caches per version object); SWY_SCHEMA_INVALID when it does not compile. */
  compile(dialect: SchemaDialect, schema: JsonValue): ValidateFunction {
    try {
      // Registered schemas may share an $id; compile without adding them to ajv's global map.
      const copy = typeof schema === 'object' && schema !== null && !Array.isArray(schema) && '$id' in schema
        ? (({ $id: _id, ...rest }) => rest)(schema)
        : schema;
      return this.#ajv[dialect].compile(copy as object | boolean);
    } catch (cause) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID', `the schema does not compile: ${(cause as Error).message}`, {
        violations: [{ path: '', reason: (cause as Error).message }], cause,
      });
    }
  }
}
