import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../core/index.js';
import { compileTransform } from './compile.js';
import { compilePath } from './jsonpath/evaluate.js';
import { CTX } from './fixtures.test-util.js';

/**
 * A random JSON template as a tree: literal JSON, placeholders standing alone as values, and
 * strings mixing literal text with placeholders. From it we print the template text and, for
 * given variable values, the JSON document the template must produce.
 */
type Part = { readonly lit: string } | { readonly slot: number };
type Node =
  | { readonly t: 'lit'; readonly value: JsonValue }
  | { readonly t: 'slot'; readonly v: number }
  | { readonly t: 'str'; readonly parts: readonly Part[] }
  | { readonly t: 'arr'; readonly items: readonly Node[] }
  | { readonly t: 'obj'; readonly entries: ReadonlyArray<readonly [string, Node]> };

const VARS = 5;

/** fast-check's JSON values, typed as ours (the same JSON.parse-able shapes). */
const json = (constraints: fc.JsonSharedConstraints = {}): fc.Arbitrary<JsonValue> => fc.jsonValue(constraints) as fc.Arbitrary<JsonValue>;

/** Literal text never forms a placeholder: `${` in generated text becomes `$ {`. */
const safe = (s: string): string => s.replaceAll('${', '$ {');
/** Sets an own property even for keys such as `__proto__`, as JSON.parse does. */
function define(o: JsonObject, key: string, value: JsonValue): JsonObject {
  return Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function sanitize(v: JsonValue): JsonValue {
  if (typeof v === 'string') return safe(v);
  if (Array.isArray(v)) return v.map(sanitize);
  if (typeof v === 'object' && v !== null) {
    const o: JsonObject = {};
    for (const [k, e] of Object.entries(v)) define(o, safe(k), sanitize(e));
    return o;
  }
  return v;
}

const { node } = fc.letrec<{ node: Node; container: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    json({ maxDepth: 1 }).map((value): Node => ({ t: 'lit', value: sanitize(value) })),
    fc.nat(VARS - 1).map((v): Node => ({ t: 'slot', v })),
    fc.array(fc.oneof(fc.string({ unit: 'binary' }).map((s): Part => ({ lit: safe(s) })), fc.nat(VARS - 1).map((slot): Part => ({ slot }))), { maxLength: 5 }).map((parts): Node => ({ t: 'str', parts })),
    tie('container'),
  ),
  container: fc.oneof(
    fc.array(tie('node'), { maxLength: 4 }).map((items): Node => ({ t: 'arr', items })),
    fc.uniqueArray(fc.tuple(fc.string().map(safe), tie('node')), { maxLength: 4, selector: ([k]) => k }).map((entries): Node => ({ t: 'obj', entries })),
  ),
}));
const root = fc.oneof(
  fc.array(node, { maxLength: 4 }).map((items): Node => ({ t: 'arr', items })),
  fc.uniqueArray(fc.tuple(fc.string().map(safe), node), { maxLength: 5, selector: ([k]) => k }).map((entries): Node => ({ t: 'obj', entries })),
);

function print(n: Node): string {
  switch (n.t) {
    case 'lit':
      return JSON.stringify(n.value);
    case 'slot':
      return `\${v${n.v}}`;
    case 'str':
      return `"${n.parts.map((p) => ('lit' in p ? JSON.stringify(p.lit).slice(1, -1) : `\${v${p.slot}}`)).join('')}"`;
    case 'arr':
      return `[ ${n.items.map(print).join(', ')} ]`;
    case 'obj':
      return `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}: ${print(v)}`).join(',\n')}}`;
  }
}

const asText = (v: JsonValue | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function expected(n: Node, values: ReadonlyArray<JsonValue | undefined>): JsonValue {
  switch (n.t) {
    case 'lit':
      // What the printed literal says: JSON has no -0 (JSON.stringify(-0) is "0").
      return JSON.parse(JSON.stringify(n.value)) as JsonValue;
    case 'slot': {
      const v = values[n.v];
      return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as JsonValue);
    }
    case 'str':
      return n.parts.map((p) => ('lit' in p ? p.lit : asText(values[p.slot]))).join('');
    case 'arr':
      return n.items.map((i) => expected(i, values));
    case 'obj': {
      const o: JsonObject = {};
      for (const [k, v] of n.entries) define(o, k, expected(v, values));
      return o;
    }
  }
}

const variables = Object.fromEntries(Array.from({ length: VARS }, (_, i) => [`v${i}`, `$.data.v${i}`]));
const values = fc.array(fc.option(json(), { nil: undefined, freq: 4 }), { minLength: VARS, maxLength: VARS });

test('property - for any event values, a JSON template yields valid JSON of exactly the template shape', () => {
  fc.assert(
    fc.property(root, values, (tree, vals) => {
      const template = print(tree);
      const t = compileTransform({ type: 'template', variables, template });
      assert.equal(t.format, 'json');
      const data: JsonObject = {};
      vals.forEach((v, i) => {
        if (v !== undefined) define(data, `v${i}`, v);
      });
      const out = t.run({ specversion: '1.0', data }, CTX);
      assert.deepStrictEqual(JSON.parse(out.body), expected(tree, vals));
    }),
    { numRuns: 500 },
  );
});

test('property - a text template is the literal text with each value as plain text', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }).map((s): Part => ({ lit: safe(s) })), fc.nat(VARS - 1).map((slot): Part => ({ slot })))), values, (parts, vals) => {
      const template = `text:${parts.map((p) => ('lit' in p ? p.lit : `\${v${p.slot}}`)).join('')}`;
      const out = compileTransform({ type: 'template', variables, template, format: 'text' }).run({ data: Object.fromEntries(vals.map((v, i) => [`v${i}`, v]).filter(([, v]) => v !== undefined)) as JsonObject }, CTX);
      assert.equal(out.body, `text:${parts.map((p) => ('lit' in p ? p.lit : asText(vals[p.slot]))).join('')}`);
    }),
  );
});

test('property - a quoted member selects any key, whatever characters it holds', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', minLength: 1 }), json(), (key, value) => {
      const quoted = `$.data['${key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
      const c = compilePath(quoted);
      assert.ok(c.ok, quoted);
      const data: JsonObject = {};
      define(data, key, value);
      assert.equal(c.path.select({ data }), value);
    }),
  );
});
