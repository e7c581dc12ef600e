import type { JsonValue } from '../../core/index.js';
import { typeName } from './names.js';

type Obj = { readonly [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The type of a value in the language-neutral model the Python, Java and Go generators share.
 * `ref` names a declared object type; `enum` is a closed set of strings; `any` is whatever
 * the schema subset cannot express in a nominal type system (unions other than "X or null",
 * mixed enums, conditionals).
 */
export type ModelType =
  | { readonly t: 'string' | 'integer' | 'number' | 'boolean' | 'any' }
  | { readonly t: 'enum'; readonly values: readonly string[] }
  | { readonly t: 'array'; readonly items: ModelType; readonly itemsNullable: boolean }
  | { readonly t: 'map'; readonly values: ModelType; readonly valuesNullable: boolean }
  | { readonly t: 'ref'; readonly name: string };

export interface ModelField {
  /** The property's name in JSON, exactly. */
  readonly json: string;
  readonly type: ModelType;
  /** Listed in `required`: present in every valid value. */
  readonly required: boolean;
  /** `null` is a valid value (a type array or union with "null"). */
  readonly nullable: boolean;
  readonly description: string | undefined;
}

/** An object schema with declared properties: a class, record or struct. */
export interface ObjectDecl {
  readonly name: string;
  readonly description: string | undefined;
  readonly fields: readonly ModelField[];
}

export interface CodeModel {
  /** The root type's name (PascalCase of the schema name). */
  readonly name: string;
  /** The root's type: a `ref` to `decls[0]` when the data is an object with properties. */
  readonly root: ModelType;
  readonly rootNullable: boolean;
  /** Every declared object type, the root's first; names are distinct. */
  readonly decls: readonly ObjectDecl[];
}

interface Converted {
  readonly type: ModelType;
  readonly nullable: boolean;
}

/** An object schema with at least one declared property (a type array may add "null"). */
function declaresObject(s: JsonValue): s is Obj {
  if (!isObj(s) || !isObj(s.properties) || Object.keys(s.properties).length === 0) return false;
  const t = s.type;
  return t === undefined || t === 'object' || (Array.isArray(t) && t.includes('object') && t.every((x) => x === 'object' || x === 'null'));
}

const ANY: Converted = { type: { t: 'any' }, nullable: true };
const PRIMITIVES = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * Builds the model of a schema over the same subset the TypeScript generator covers: type (and
 * type arrays with "null"), enum/const, properties/required, additionalProperties (a map when
 * there are no properties), items, anyOf/oneOf of one type and null, allOf of objects (merged),
 * local $ref to $defs/definitions. Every subschema is visited once (definitions are converted
 * once and referred to by name), so the model grows linearly with the schema, whose size the
 * registry bounds (SCHEMA_LIMITS). `reservedTypeNames` are names the target language already uses
 * (its runtime's or its standard library's): no declared type takes one.
 */
export function buildModel(schemaName: string, root: JsonValue, reservedTypeNames: ReadonlySet<string> = new Set()): CodeModel {
  const wantedName = typeName(schemaName) || 'Data';
  const name = reservedTypeNames.has(wantedName) ? `${wantedName}Data` : wantedName;
  const decls: ObjectDecl[] = [];
  const taken = new Set<string>(reservedTypeNames);
  const claim = (wanted: string): string => {
    let id = wanted;
    for (let n = 2; taken.has(id); n++) id = `${wanted}${n}`;
    taken.add(id);
    return id;
  };
  claim(name);
  const defs = new Map<string, JsonValue>();
  for (const k of ['$defs', 'definitions'] as const) {
    if (isObj(root) && isObj(root[k])) for (const [d, s] of Object.entries(root[k])) defs.set(`#/${k}/${d}`, s);
  }
  // A definition is converted once; one in progress (a cycle through non-object types) is `any`.
  const defDone = new Map<string, Converted>();
  const defBusy = new Set<string>();
  let rootRef: Converted | undefined;

  const declare = (wanted: string, s: Obj, props: readonly (readonly [string, JsonValue])[], required: ReadonlySet<string>, reserved?: string): Converted => {
    const id = reserved ?? claim(wanted);
    const slot = decls.length;
    decls.push({ name: id, description: undefined, fields: [] });
    const fields = props.map(([json, sub]): ModelField => {
      const c = convert(sub, `${id}${typeName(json) || 'Field'}`);
      return { json, type: c.type, required: required.has(json), nullable: c.nullable, description: isObj(sub) && typeof sub.description === 'string' ? sub.description : undefined };
    });
    decls[slot] = { name: id, description: typeof s.description === 'string' ? s.description : undefined, fields };
    return { type: { t: 'ref', name: id }, nullable: false };
  };

  const objectOf = (s: Obj, wanted: string, reserved?: string): Converted => {
    const props = isObj(s.properties) ? Object.entries(s.properties) : [];
    const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
    if (props.length > 0 || reserved !== undefined) return declare(wanted, s, props, required, reserved);
    const add = s.additionalProperties;
    if (add === undefined || add === true || add === false) return { type: { t: 'map', values: { t: 'any' }, valuesNullable: true }, nullable: false };
    const v = convert(add, `${wanted}Value`);
    return { type: { t: 'map', values: v.type, valuesNullable: v.nullable }, nullable: false };
  };

  const enumOf = (values: readonly JsonValue[]): Converted => {
    const nullable = values.includes(null);
    const rest = values.filter((v) => v !== null);
    if (rest.length > 0 && rest.every((v) => typeof v === 'string')) return { type: { t: 'enum', values: [...new Set(rest as string[])] }, nullable };
    if (rest.length > 0 && rest.every((v) => typeof v === 'number' && Number.isInteger(v))) return { type: { t: 'integer' }, nullable };
    if (rest.length > 0 && rest.every((v) => typeof v === 'number')) return { type: { t: 'number' }, nullable };
    if (rest.length > 0 && rest.every((v) => typeof v === 'boolean')) return { type: { t: 'boolean' }, nullable };
    return ANY;
  };

  const convert = (s: JsonValue, wanted: string, reserved?: string): Converted => {
    if (!isObj(s)) return ANY;
    if (typeof s.$ref === 'string') return refOf(s.$ref);
    if ('const' in s) return enumOf([s.const!]);
    if (Array.isArray(s.enum)) return enumOf(s.enum);
    for (const k of ['anyOf', 'oneOf'] as const) {
      const alts = s[k];
      if (!Array.isArray(alts)) continue;
      const real = alts.filter((a) => !(isObj(a) && a.type === 'null'));
      if (real.length !== 1) return ANY;
      const c = convert(real[0]!, wanted);
      return { type: c.type, nullable: c.nullable || real.length < alts.length };
    }
    if (Array.isArray(s.allOf)) {
      const parts = s.allOf.filter(isObj);
      if (parts.length === 1) return convert(parts[0]!, wanted, reserved);
      if (parts.length > 1 && parts.every((p) => isObj(p.properties))) {
        const props: Record<string, JsonValue> = {};
        const required: JsonValue[] = [];
        for (const p of parts) {
          Object.assign(props, p.properties);
          if (Array.isArray(p.required)) required.push(...p.required);
        }
        return objectOf({ properties: props, required, ...(typeof s.description === 'string' ? { description: s.description } : {}) }, wanted, reserved);
      }
      return ANY;
    }
    const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === 'string') : undefined;
    if (types === undefined) return isObj(s.properties) ? objectOf(s, wanted, reserved) : ANY;
    const nullable = types.includes('null');
    const real = types.filter((t) => t !== 'null');
    if (real.length !== 1) return real.length === 0 ? { type: { t: 'any' }, nullable: true } : ANY;
    const t = real[0]!;
    if (PRIMITIVES.has(t)) return { type: { t: t as 'string' | 'integer' | 'number' | 'boolean' }, nullable };
    if (t === 'array') {
      const items = s.items === undefined ? ANY : convert(s.items, `${wanted}Item`);
      return { type: { t: 'array', items: items.type, itemsNullable: items.nullable }, nullable };
    }
    if (t === 'object') return { ...objectOf(s, wanted, reserved), nullable };
    return ANY;
  };

  const refOf = (ref: string): Converted => {
    if (ref === '#') return rootRef ?? ANY;
    const done = defDone.get(ref);
    if (done !== undefined) return done;
    const s = defs.get(ref);
    if (s === undefined || defBusy.has(ref)) return ANY;
    // An object definition is declared under its own name before its fields are converted,
    // so a definition that refers to itself gets a reference, not a loop.
    if (declaresObject(s)) {
      const id = claim(`${name}${typeName(ref.split('/').pop()!) || 'Def'}`);
      const c: Converted = { type: { t: 'ref', name: id }, nullable: false };
      defDone.set(ref, c);
      convert(s, id, id);
      return c;
    }
    defBusy.add(ref);
    const c = convert(s, `${name}${typeName(ref.split('/').pop()!) || 'Def'}`);
    defBusy.delete(ref);
    defDone.set(ref, c);
    return c;
  };

  // The root is declared under the schema's own name when it is an object with properties.
  const isRootObject = declaresObject(root);
  if (isRootObject) rootRef = { type: { t: 'ref', name }, nullable: false };
  const top = convert(root, name, isRootObject ? name : undefined);
  return { name, root: top.type, rootNullable: top.nullable, decls };
}
