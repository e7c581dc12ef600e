import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SwitchyardError, type JsonValue, type Violation } from '../core/index.js';
import { checkSchemaLimits } from './limits.js';
import { linearRegExp, UnsupportedPatternError } from './linear-regexp.js';
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

const escapePointer = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The JSON Pointer of the first `pattern` keyword, `patternProperties` key or `propertyNames`
 * pattern holding `pattern` ('' when none is found). Iterative: the schema is within its limits
 * but this must not be the one recursive walk that is not.
 */
function patternPath(schema: JsonValue, pattern: string): string {
  const stack: Array<[JsonValue, string]> = [[schema, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (!Array.isArray(v)) {
      if (v.pattern === pattern) return `${at}/pattern`;
      const pp = v.patternProperties;
      if (typeof pp === 'object' && pp !== null && !Array.isArray(pp) && Object.hasOwn(pp, pattern)) return `${at}/patternProperties/${escapePointer(pattern)}`;
    }
    const entries: Array<[string, JsonValue]> = Array.isArray(v) ? v.map((e, i) => [String(i), e]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, c] = entries[i]!;
      stack.push([c, `${at}/${escapePointer(k)}`]);
    }
  }
  return '';
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
    // JSON Schema allows; allErrors so a rejection lists every violation. Patterns run on a
    // linear-time engine (linear-regexp.ts): event data is untrusted.
    const opts = { strict: false, allErrors: true, validateFormats: true, code: { regExp: linearRegExp } } as const;
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
      if (cause instanceof UnsupportedPatternError) {
        throw new SwitchyardError('SWY_SCHEMA_INVALID', `the schema does not compile: ${cause.message}`, {
          violations: [{ path: patternPath(schema, cause.pattern), reason: cause.message, code: 'SWY_SCHEMA_PATTERN_UNSUPPORTED' }], cause,
        });
      }
      throw new SwitchyardError('SWY_SCHEMA_INVALID', `the schema does not compile: ${(cause as Error).message}`, {
        violations: [{ path: '', reason: (cause as Error).message }], cause,
      });
    }
  }
}
