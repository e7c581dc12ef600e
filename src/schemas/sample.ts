import type { JsonValue } from '../core/index.js';
import { versionUrn } from './dataschema.js';
import type { SchemaVersion } from './types.js';

type Obj = { readonly [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  'date-time': '2024-01-01T00:00:00Z', date: '2024-01-01', time: '00:00:00Z', email: 'user@example.com',
  uri: 'https://example.com/', 'uri-reference': '/example', hostname: 'example.com', ipv4: '192.0.2.1', ipv6: '2001:db8::1',
  uuid: '00000000-0000-4000-8000-000000000000', duration: 'P1D',
};

/**
 * A value that satisfies the schema over the codegen subset: `examples`/`default`/`const`/
 * first `enum` value when given, else the first type's simplest value meeting the bounds and
 * format, with every required property (and only those, plus any declared ones when the object
 * is open). `depth` stops runaway recursion through `$ref`.
 */
export function sampleValue(s: JsonValue, root: JsonValue = s, depth = 0): JsonValue {
  if (!isObj(s) || depth > 16) return null;
  if (typeof s.$ref === 'string') {
    const target = s.$ref === '#' ? root : s.$ref.split('/').slice(1).reduce<JsonValue | undefined>((o, k) => (isObj(o) ? o[k] : undefined), root);
    return target === undefined ? null : sampleValue(target, root, depth + 1);
  }
  if ('const' in s) return s.const!;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0]!;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0]!;
  if ('default' in s) return s.default!;
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts) && alts.length > 0) return sampleValue(alts[0]!, root, depth + 1);
  if (Array.isArray(s.allOf)) {
    const merged: { [k: string]: JsonValue } = {};
    for (const part of s.allOf) {
      const v = sampleValue(part, root, depth + 1);
      if (isObj(v)) Object.assign(merged, v);
    }
    return merged;
  }
  const type = typeof s.type === 'string' ? s.type : Array.isArray(s.type) ? s.type.find((t) => t !== 'null') ?? s.type[0] : isObj(s.properties) ? 'object' : undefined;
  switch (type) {
    case 'string': {
      if (typeof s.format === 'string' && s.format in FORMAT_SAMPLES) return FORMAT_SAMPLES[s.format]!;
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      return 'string'.padEnd(Math.max(min, 6), 'x').slice(0, typeof s.maxLength === 'number' ? s.maxLength : undefined);
    }
    case 'integer':
    case 'number': {
      const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 0;
      const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : lo;
      return Math.min(type === 'integer' ? Math.ceil(lo) : lo, hi);
    }
    case 'boolean': return true;
    case 'null': return null;
    case 'array': {
      const n = typeof s.minItems === 'number' ? s.minItems : 1;
      return s.items === undefined || s.items === false ? [] : Array.from({ length: n }, () => sampleValue(s.items!, root, depth + 1));
    }
    case 'object': {
      const props = isObj(s.properties) ? s.properties : {};
      const required = Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === 'string') : Object.keys(props);
      const out: { [k: string]: JsonValue } = {};
      for (const k of required) out[k] = k in props ? sampleValue(props[k]!, root, depth + 1) : isObj(s.additionalProperties) ? sampleValue(s.additionalProperties, root, depth + 1) : null;
      return out;
    }
    default: return {};
  }
}

/** A CloudEvent (JSON format) carrying sample data for a version, with `dataschema` set to it. */
export function sampleEvent(v: SchemaVersion): JsonValue {
  return {
    specversion: '1.0',
    id: '00000000-0000-4000-8000-000000000000',
    source: v.source ?? 'urn:example:producer',
    type: v.name,
    time: '2024-01-01T00:00:00Z',
    datacontenttype: 'application/json',
    dataschema: versionUrn(v.name, v.version),
    data: sampleValue(v.schema),
  };
}
