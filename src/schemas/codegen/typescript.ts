import type { JsonValue } from '../../core/index.js';
import type { SchemaVersion } from '../types.js';

type Obj = { readonly [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A TypeScript identifier in PascalCase from a schema name ("com.shop.order.created" → ComShopOrderCreated). */
export function typeName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const id = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z_]/.test(id) ? id : `T${id}`;
}

/** A `//` comment; JSON.stringify leaves U+2028/U+2029 as is, and either would end the comment. */
const lineComment = (text: string): string => `// ${text.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}`;

const propKey = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));

/**
 * The TypeScript type of a schema over the subset docs/schemas.md lists: type (and type
 * arrays), enum/const, properties/required/additionalProperties, items, anyOf/oneOf (union),
 * allOf (intersection), local $ref to $defs/definitions. Anything else becomes `unknown`
 * (a sound, wider type). `refs` names the local definitions.
 */
function tsType(s: JsonValue, indent: string, refs: (ref: string) => string | undefined): string {
  if (s === true || (isObj(s) && Object.keys(s).length === 0)) return 'unknown';
  if (s === false) return 'never';
  if (!isObj(s)) return 'unknown';
  if (typeof s.$ref === 'string') return refs(s.$ref) ?? 'unknown';
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ') || 'never';
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = s[k];
    if (Array.isArray(alts)) return alts.map((a) => `(${tsType(a, indent, refs)})`).join(' | ') || 'never';
  }
  if (Array.isArray(s.allOf)) return s.allOf.map((a) => `(${tsType(a, indent, refs)})`).join(' & ') || 'unknown';
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === 'string') : undefined;
  const one = (t: string): string => {
    switch (t) {
      case 'string': return 'string';
      case 'integer':
      case 'number': return 'number';
      case 'boolean': return 'boolean';
      case 'null': return 'null';
      case 'array': return `Array<${s.items === undefined ? 'unknown' : tsType(s.items, indent, refs)}>`;
      case 'object': return objectType(s, indent, refs);
      default: return 'unknown';
    }
  };
  if (types === undefined) return isObj(s.properties) ? objectType(s, indent, refs) : 'unknown';
  return types.map(one).join(' | ') || 'never';
}

function objectType(s: Obj, indent: string, refs: (ref: string) => string | undefined): string {
  const props = isObj(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  const inner = `${indent}  `;
  const lines = Object.entries(props).map(([k, v]) => {
    const doc = isObj(v) && typeof v.description === 'string' ? `${inner}/** ${v.description.replace(/\*\//g, '* /')} */\n` : '';
    return `${doc}${inner}${propKey(k)}${required.has(k) ? '' : '?'}: ${tsType(v, inner, refs)};`;
  });
  const add = s.additionalProperties;
  // An index signature must admit every declared property's type, so it is `unknown` when
  // there are declared properties, and the additional schema's type otherwise.
  if (add !== false) lines.push(`${inner}[key: string]: ${Object.keys(props).length > 0 || add === undefined || add === true ? 'unknown' : tsType(add, inner, refs)};`);
  return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`;
}

/**
 * Generates a TypeScript module for a schema version: the data type, its local definitions,
 * the schema itself, and a type guard `is<Name>` that checks the same subset at run time
 * (formats and string patterns are not checked by the guard). The module has no imports.
 */
export function generateTypeScript(v: SchemaVersion): string {
  const name = typeName(v.name);
  const root = v.schema;
  const defs: Record<string, JsonValue> = {};
  for (const k of ['$defs', 'definitions'] as const) {
    if (isObj(root) && isObj(root[k])) for (const [d, s] of Object.entries(root[k])) defs[`#/${k}/${d}`] = s;
  }
  // One distinct identifier per definition ("a-b" and "a_b" both PascalCase to "AB").
  const defNames = new Map<string, string>();
  const taken = new Set([name, `${name}Schema`]);
  for (const ref of Object.keys(defs)) {
    let id = `${name}${typeName(ref.split('/').pop()!)}`;
    for (let n = 2; taken.has(id); n++) id = `${name}${typeName(ref.split('/').pop()!)}${n}`;
    taken.add(id);
    defNames.set(ref, id);
  }
  const refs = (ref: string): string | undefined => defNames.get(ref) ?? (ref === '#' ? name : undefined);
  const out: string[] = [
    lineComment(`Generated by Switchyard from schema ${JSON.stringify(v.name)} version ${v.version}${v.source === null ? '' : ` (source ${JSON.stringify(v.source)})`}. Do not edit.`),
    '',
    `/** The data of ${v.name} events (schema version ${v.version}). */`,
    `export type ${name} = ${tsType(root, '', refs)};`,
  ];
  for (const [ref, s] of Object.entries(defs)) out.push('', `export type ${refs(ref)!} = ${tsType(s, '', refs)};`);
  out.push(
    '',
    `/** The JSON Schema (${v.dialect}) the types were generated from. */`,
    `export const ${name}Schema = ${JSON.stringify(root, null, 2)} as const;`,
    '',
    GUARD_RUNTIME,
    '',
    `/** True when \`value\` satisfies schema ${v.name} version ${v.version} (formats and patterns not checked). */`,
    `export function is${name}(value: unknown): value is ${name} {`,
    `  return check(${name}Schema, value, ${name}Schema);`,
    '}',
    '',
  );
  return out.join('\n');
}

// The guard interprets the embedded schema over the same subset the types cover.
const GUARD_RUNTIME = `type S = unknown;
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
function check(schema: S, v: unknown, root: S): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const target = s.$ref === '#' ? root : s.$ref.split('/').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root);
    if (target !== undefined && !check(target, v, root)) return false;
  }
  if ('const' in s && !same(s.const, v)) return false;
  if (Array.isArray(s.enum) && !s.enum.some((e) => same(e, v))) return false;
  if (s.type !== undefined) {
    const k = kindOf(v);
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => t === k || (t === 'number' && k === 'integer'))) return false;
  }
  if (Array.isArray(s.allOf) && !s.allOf.every((x) => check(x, v, root))) return false;
  if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => check(x, v, root))) return false;
  if (Array.isArray(s.oneOf) && s.oneOf.filter((x) => check(x, v, root)).length !== 1) return false;
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) return false;
    if (typeof s.maximum === 'number' && v > s.maximum) return false;
  }
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) return false;
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) return false;
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return false;
    if (s.items !== undefined && !v.every((x) => check(s.items, x, root))) return false;
  }
  if (kindOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    const props = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<string, unknown>;
    if (Array.isArray(s.required) && !s.required.every((k) => typeof k === 'string' && Object.prototype.hasOwnProperty.call(o, k))) return false;
    for (const [k, x] of Object.entries(o)) {
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        if (!check(props[k], x, root)) return false;
      } else if (s.additionalProperties !== undefined && !check(s.additionalProperties, x, root)) return false;
    }
  }
  return true;
}`;
