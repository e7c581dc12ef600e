import type { JsonValue } from '../core/index.js';

/** A warning about a rule pattern: the `data` path it names, and why it looks wrong. */
export interface PatternWarning {
  readonly path: string;
  readonly reason: string;
}

type Obj = { readonly [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a dotted path below `data` can exist under `schema`: walks `properties`, looking
 * through arrays (`items`, as patterns do) and the branches of anyOf/oneOf/allOf. A member is
 * absent when the object declares `properties` without it and does not admit extra members
 * explicitly (`additionalProperties: true` or a schema, `patternProperties`), or when the
 * location is a scalar. A location without `properties`, or using a keyword the walk does not
 * follow (`$ref`, ...), admits any member, so the lint stays quiet there.
 */
function admits(schema: JsonValue, segments: readonly string[], root: JsonValue, depth = 0): boolean {
  if (segments.length === 0 || depth > 32) return true;
  if (schema === true || !isObj(schema)) return schema !== false;
  if (typeof schema.$ref === 'string') return true;
  const branches = [schema.anyOf, schema.oneOf].find(Array.isArray);
  if (branches !== undefined && !branches.some((b) => admits(b, segments, root, depth + 1))) return false;
  if (Array.isArray(schema.allOf) && !schema.allOf.every((b) => admits(b, segments, root, depth + 1))) return false;
  if (schema.items !== undefined && (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')))) {
    if (admits(schema.items, segments, root, depth + 1)) return true;
    if (schema.type === 'array') return false;
  }
  const [head, ...rest] = segments as [string, ...string[]];
  const props = isObj(schema.properties) ? schema.properties : undefined;
  if (props !== undefined && head in props) return admits(props[head]!, rest, root, depth + 1);
  if (isObj(schema.patternProperties)) return true;
  const add = schema.additionalProperties;
  if (add === false) return false;
  if (isObj(add)) return admits(add, rest, root, depth + 1);
  const t = schema.type;
  // A scalar type has no members at all.
  if (typeof t === 'string' && t !== 'object' && t !== 'array') return false;
  // Declared properties and no explicit `additionalProperties: true`: an undeclared member is
  // allowed by JSON Schema but most likely a typo, which is what the lint is for.
  return props === undefined || add === true;
}

/**
 * Lints the `data.*` field paths a rule pattern names against the data schema of the event
 * type the pattern selects. Returns one warning per path the schema proves absent (typically a
 * typo: `data.ammount` against a closed schema with `amount`).
 *
 * @example
 * lintDataPaths(['data.ammount'], { type: 'object', properties: { amount: { type: 'number' } }, additionalProperties: false }, 'order.created 1')
 * // → [{ path: 'data.ammount', reason: 'schema order.created 1 does not declare data.ammount (a typo?)' }]
 */
export function lintDataPaths(paths: readonly string[], schema: JsonValue, schemaLabel: string): PatternWarning[] {
  const warnings: PatternWarning[] = [];
  for (const p of new Set(paths)) {
    if (!p.startsWith('data.')) continue;
    const segments = p.slice('data.'.length).split('.');
    if (!admits(schema, segments, schema)) {
      warnings.push({ path: p, reason: `schema ${schemaLabel} does not declare ${p} (a typo?)` });
    }
  }
  return warnings;
}
