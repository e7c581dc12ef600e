import type { JsonValue } from '../core/index.js';

/** Inference limits: a string field becomes an enum when it has at most `maxEnumValues`
 * distinct values over at least `minEnumSamples` observations; an object location that showed
 * more than `maxProperties` distinct members is a map, inferred as an open `{ type: object }`. */
export interface InferOptions {
  readonly maxEnumValues: number;
  readonly minEnumSamples: number;
  readonly maxProperties: number;
}

export const DEFAULT_INFER_OPTIONS: InferOptions = { maxEnumValues: 8, minEnumSamples: 20, maxProperties: 200 };

/** Formats inference recognises, in priority order. */
export const INFERRED_FORMATS = ['date-time', 'email', 'uri'] as const;
export type InferredFormat = (typeof INFERRED_FORMATS)[number];

/**
 * What has been observed at one location of the data. Invariants: `count` = values seen here;
 * `strings` holds the distinct strings seen, or null once there were more than the enum limit;
 * `formats` holds the formats every string seen so far satisfies; `present[k]` counts objects
 * holding k, so k is required when `present[k] === objects`; `open` is set (and `props`
 * emptied for good) once more than maxProperties distinct members were seen: keys that vary
 * that much are data (a map), and tracking them would register a version per new key.
 */
interface Node {
  count: number;
  readonly types: Set<string>;
  strings: Set<string> | null;
  stringCount: number;
  formats: Set<InferredFormat>;
  objects: number;
  open: boolean;
  readonly props: Map<string, Node>;
  items: Node | undefined;
}

const newNode = (): Node => ({
  count: 0, types: new Set(), strings: new Set(), stringCount: 0, formats: new Set(INFERRED_FORMATS), objects: 0, open: false, props: new Map(), items: undefined,
});

/**
 * Accumulates observed JSON values and infers a JSON Schema (2020-12) that every one of them
 * satisfies: types (integer kept apart from number), always-present members as `required`,
 * closed objects, small string sets as `enum`, and `format` when every string matches one.
 */
export class ShapeAccumulator {
  readonly #root = newNode();
  readonly #opts: InferOptions;
  readonly #isFormat: (format: InferredFormat, s: string) => boolean;

  constructor(isFormat: (format: InferredFormat, s: string) => boolean, opts: InferOptions = DEFAULT_INFER_OPTIONS) {
    this.#isFormat = isFormat;
    this.#opts = opts;
  }

  get observed(): number {
    return this.#root.count;
  }

  add(value: JsonValue): void {
    this.#add(this.#root, value);
  }

  #add(n: Node, v: JsonValue): void {
    n.count++;
    if (v === null) n.types.add('null');
    else if (typeof v === 'boolean') n.types.add('boolean');
    else if (typeof v === 'number') n.types.add(Number.isInteger(v) ? 'integer' : 'number');
    else if (typeof v === 'string') {
      n.types.add('string');
      n.stringCount++;
      if (n.strings !== null) {
        n.strings.add(v);
        if (n.strings.size > this.#opts.maxEnumValues) n.strings = null;
      }
      for (const f of n.formats) if (!this.#isFormat(f, v)) n.formats.delete(f);
    } else if (Array.isArray(v)) {
      n.types.add('array');
      for (const x of v) this.#add((n.items ??= newNode()), x);
    } else {
      n.types.add('object');
      n.objects++;
      if (n.open) return;
      for (const [k, x] of Object.entries(v)) {
        let c = n.props.get(k);
        if (c === undefined) n.props.set(k, (c = newNode()));
        this.#add(c, x);
      }
      if (n.props.size > this.#opts.maxProperties) {
        n.open = true;
        n.props.clear();
      }
    }
  }

  /** The inferred schema; `{}` (anything) before any value was seen. */
  schema(): JsonValue {
    return this.#root.count === 0 ? {} : { $schema: 'https://json-schema.org/draft/2020-12/schema', ...this.#schema(this.#root) };
  }

  #schema(n: Node): { [k: string]: JsonValue } {
    const types = [...n.types];
    if (n.types.has('integer') && n.types.has('number')) types.splice(types.indexOf('integer'), 1);
    types.sort();
    const out: { [k: string]: JsonValue } = { type: types.length === 1 ? types[0]! : types };
    if (n.types.has('string')) {
      const f = INFERRED_FORMATS.find((x) => n.formats.has(x));
      if (f !== undefined) out.format = f;
      else if (types.length === 1 && n.strings !== null && n.stringCount >= this.#opts.minEnumSamples) out.enum = [...n.strings].sort();
    }
    if (n.types.has('object') && !n.open) {
      const props: { [k: string]: JsonValue } = {};
      const required: string[] = [];
      for (const k of [...n.props.keys()].sort()) {
        const c = n.props.get(k)!;
        props[k] = this.#schema(c);
        // A member counts once per object holding it (values inside arrays count per element).
        if (c.count === n.objects) required.push(k);
      }
      out.properties = props;
      if (required.length > 0) out.required = required;
      out.additionalProperties = false;
    }
    if (n.types.has('array') && n.items !== undefined) out.items = this.#schema(n.items);
    return out;
  }
}
