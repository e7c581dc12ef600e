import type { JsonValue } from '../core/index.js';
import type { CompatibilityMode } from './types.js';

/** One way a new version breaks compatibility. `path` is a JSON Pointer into the schema. */
export interface CompatibilityBreak {
  readonly path: string;
  /** Which promise breaks: new readers of old data (backward) or old readers of new data (forward). */
  readonly direction: 'backward' | 'forward';
  readonly reason: string;
}

type Schema = JsonValue;
type Obj = { readonly [k: string]: JsonValue };

/** Keywords the checker understands; any other validation keyword that differs is a break. */
const UNDERSTOOD = new Set([
  'type', 'enum', 'const', 'required', 'properties', 'additionalProperties', 'items',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'pattern', 'format',
]);
/** Keywords that never change which instances are valid. */
const ANNOTATIONS = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'deprecated',
  'readOnly', 'writeOnly', '$defs', 'definitions', 'contentMediaType', 'contentEncoding',
]);

const isObj = (s: Schema | undefined): s is Obj => typeof s === 'object' && s !== null && !Array.isArray(s);
const esc = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  isObj(x as Schema) ? Object.fromEntries(Object.entries(x as Obj).sort(([a], [b]) => (a < b ? -1 : 1))) : x);

/** Types a schema admits (undefined = any). `integer` is kept apart from `number`. */
function typesOf(s: Obj): Set<string> | undefined {
  const t = s.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return undefined;
}

/** Allowed values when the schema enumerates them (enum or const), else undefined. */
function valuesOf(s: Obj): JsonValue[] | undefined {
  if ('const' in s) return [s.const!];
  return Array.isArray(s.enum) ? s.enum : undefined;
}

const num = (s: Obj, k: string): number | undefined => (typeof s[k] === 'number' ? s[k] : undefined);

/**
 * Adds to `out` every reason an instance valid under `writer` could be invalid under `reader`
 * (so "reader can read everything writer writes" holds when nothing is added). Sound over the
 * understood subset; other keywords are compared for equality only (docs/schemas.md).
 */
function checkReads(writer: Schema, reader: Schema, path: string, dir: CompatibilityBreak['direction'], out: CompatibilityBreak[]): void {
  const add = (p: string, reason: string): void => void out.push({ path: p, direction: dir, reason });
  if (reader === true || (isObj(reader) && Object.keys(reader).every((k) => ANNOTATIONS.has(k)))) return;
  if (writer === false) return;
  if (reader === false) return add(path, 'the reader accepts nothing');
  if (!isObj(reader)) return;
  const w: Obj = isObj(writer) ? writer : {};

  for (const k of Object.keys(reader)) {
    if (UNDERSTOOD.has(k) || ANNOTATIONS.has(k)) continue;
    if (canon(reader[k]) !== canon(w[k])) add(`${path}/${esc(k)}`, `keyword "${k}" changed; the checker does not analyse it, so the change counts as breaking`);
  }

  const rt = typesOf(reader);
  const wt = typesOf(w);
  if (rt !== undefined) {
    if (wt === undefined && valuesOf(w) === undefined) add(`${path}/type`, `the writer allows any type; the reader only ${[...rt].join(', ')}`);
    for (const t of wt ?? []) {
      if (!rt.has(t) && !(t === 'integer' && rt.has('number'))) add(`${path}/type`, `type "${t}" is no longer accepted`);
    }
  }

  const rv = valuesOf(reader);
  if (rv !== undefined) {
    const wv = valuesOf(w);
    if (wv === undefined) add(`${path}/enum`, 'the reader restricts values to an enum the writer does not have');
    else {
      const allowed = new Set(rv.map(canon));
      for (const v of wv) if (!allowed.has(canon(v))) add(`${path}/enum`, `value ${JSON.stringify(v)} is no longer accepted`);
    }
  }

  const wReq = new Set(Array.isArray(w.required) ? w.required : []);
  for (const r of Array.isArray(reader.required) ? reader.required : []) {
    if (typeof r === 'string' && !wReq.has(r)) add(`${path}/required`, `"${r}" is required by the reader but optional or absent for the writer`);
  }

  const rProps = isObj(reader.properties) ? reader.properties : {};
  const wProps = isObj(w.properties) ? w.properties : {};
  const rAdd = reader.additionalProperties ?? true;
  const wAdd = w.additionalProperties ?? true;
  for (const [k, ws] of Object.entries(wProps)) {
    const p = `${path}/properties/${esc(k)}`;
    if (k in rProps) checkReads(ws, rProps[k]!, p, dir, out);
    else if (rAdd === false) add(p, `property "${k}" is no longer allowed (additionalProperties: false)`);
    else checkReads(ws, rAdd, `${path}/additionalProperties`, dir, out);
  }
  for (const [k, rs] of Object.entries(rProps)) {
    if (k in wProps) continue;
    // The writer may put anything its additionalProperties allows under k; the reader then
    // constrains it. A closed writer never writes k, so the new property is safe.
    if (wAdd === false) continue;
    const before = out.length;
    checkReads(wAdd, rs, `${path}/properties/${esc(k)}`, dir, out);
    if (out.length > before) {
      out.splice(before, out.length - before);
      add(`${path}/properties/${esc(k)}`, `property "${k}" is new and constrained, but the writer's open content model allows any value there (close it with additionalProperties: false)`);
    }
  }
  if (rAdd !== true && wAdd !== false) {
    const before = out.length;
    checkReads(wAdd, rAdd, `${path}/additionalProperties`, dir, out);
    if (out.length > before && rAdd === false && wAdd === true) {
      out.splice(before, out.length - before);
      add(`${path}/additionalProperties`, 'the reader closes the content model the writer leaves open');
    }
  }

  if (reader.items !== undefined) checkReads(w.items ?? true, reader.items, `${path}/items`, dir, out);

  const lower = (k: string): void => {
    const r = num(reader, k);
    const wv = num(w, k);
    if (r !== undefined && (wv === undefined || wv < r)) add(`${path}/${k}`, `${k} rose to ${r} (writer: ${wv ?? 'none'})`);
  };
  const upper = (k: string): void => {
    const r = num(reader, k);
    const wv = num(w, k);
    if (r !== undefined && (wv === undefined || wv > r)) add(`${path}/${k}`, `${k} fell to ${r} (writer: ${wv ?? 'none'})`);
  };
  ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'].forEach(lower);
  ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'].forEach(upper);
  for (const k of ['pattern', 'format']) {
    if (reader[k] !== undefined && reader[k] !== w[k]) add(`${path}/${k}`, `${k} ${JSON.stringify(reader[k])} is new or changed (writer: ${JSON.stringify(w[k] ?? null)})`);
  }
}

/**
 * Checks `next` against `latest` under `mode`, as in the Confluent registry: BACKWARD = readers
 * using `next` can read data written with `latest`; FORWARD = readers using `latest` can read
 * data written with `next`; FULL = both; NONE = no check. Returns every break found.
 *
 * @example
 * checkCompatibility('BACKWARD', { type: 'object' }, { type: 'object', required: ['id'] })
 * // → [{ path: '/required', direction: 'backward', reason: '"id" is required by the reader ...' }]
 */
export function checkCompatibility(mode: CompatibilityMode, latest: JsonValue, next: JsonValue): CompatibilityBreak[] {
  const out: CompatibilityBreak[] = [];
  if (mode === 'BACKWARD' || mode === 'FULL') checkReads(latest, next, '', 'backward', out);
  if (mode === 'FORWARD' || mode === 'FULL') checkReads(next, latest, '', 'forward', out);
  return out;
}
