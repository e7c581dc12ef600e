import { SwitchyardError, type JsonValue } from '../core/index.js';

/**
 * Bounds on a registered schema. Compiling is synchronous code generation (about 1 ms per
 * property subschema on the reference machine), and the compatibility checker, codegen and
 * sample generator recurse over the schema, so size and nesting are capped where a schema
 * enters the registry: through the API and through discovery alike.
 */
export const SCHEMA_LIMITS = {
  /** Largest schema, as compact JSON text (128 KiB). */
  maxBytes: 128 * 1024,
  /** Deepest nesting of objects and arrays in the schema document (a data depth of ~60 under `properties`). */
  maxDepth: 128,
} as const;

/**
 * A schema name: the CloudEvents `type` of its events by convention. 1–256 characters, no
 * whitespace (which in JavaScript includes U+2028/U+2029), no `/`, no control characters
 * (CloudEvents forbids them in string attributes; names end up in URLs, URNs and generated code).
 */
export const SCHEMA_NAME_PATTERN = '^[^\\s/\\u0000-\\u001f\\u007f-\\u009f]{1,256}$';
/** A source scope: 1–1024 characters without control characters or line/paragraph separators. */
export const SCHEMA_SOURCE_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]{1,1024}$';

const nameRe = new RegExp(SCHEMA_NAME_PATTERN, 'u');
const sourceRe = new RegExp(SCHEMA_SOURCE_PATTERN, 'u');

/** True when `name` may name a schema (discovery skips event types that may not). */
export const isSchemaName = (name: string): boolean => nameRe.test(name);
/** True when `source` may scope a schema. */
export const isSchemaSource = (source: string): boolean => sourceRe.test(source);

/**
 * Throws SWY_SCHEMA_TOO_LARGE when `schema` nests deeper than maxDepth or its JSON text is
 * longer than maxBytes. The depth is measured iteratively first, so a hostile document nested
 * thousands deep never reaches a recursive function (JSON.stringify included).
 */
export function checkSchemaLimits(schema: JsonValue): void {
  const stack: [JsonValue, number][] = [[schema, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > SCHEMA_LIMITS.maxDepth) {
      throw new SwitchyardError('SWY_SCHEMA_TOO_LARGE', `the schema nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`, {
        violations: [{ path: '', reason: `nesting depth exceeds ${SCHEMA_LIMITS.maxDepth}` }],
      });
    }
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > SCHEMA_LIMITS.maxBytes) {
    throw new SwitchyardError('SWY_SCHEMA_TOO_LARGE', `the schema is ${bytes} bytes as JSON; the limit is ${SCHEMA_LIMITS.maxBytes}`, {
      violations: [{ path: '', reason: `is ${bytes} bytes; at most ${SCHEMA_LIMITS.maxBytes}` }],
    });
  }
}
