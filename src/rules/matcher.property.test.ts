// Property tests: the compiled automaton (parsed and raw-text paths) agrees with the reference
// evaluator on generated patterns and events, including arrays of objects, $or and exists:false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RuleMatcher } from './matcher.js';
import { compilePattern } from './pattern/parse.js';
import { flattenEvent } from './event/flatten.js';
import { referenceMatch } from './reference.js';
import { parseJsonLossless } from './pattern/json-text.js';
import { exactByPrinting } from './pattern/number.js';

const KEYS = ['a', 'b', 'c'];
// 'İx' lower-cases to three code units, 'K' (Kelvin sign) to ASCII 'k': the case folding edges.
const STRINGS = ['', 'x', 'xy', 'Xy', 'yx', 'x*y', '10.0.0.1', 'abc', 'İx', 'XÉ', '\u212Ay'];
const NUMBERS = [0, -1, 1, 2.5, 3, 100, 1e21];

const scalar = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.boolean(), fc.constant(null));
const eventValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;
const event = fc.dictionary(fc.constantFrom(...KEYS), eventValue, { maxKeys: 3 });

const matcherValue = fc.oneof(
  scalar,
  fc.constantFrom(...STRINGS).map((s) => ({ prefix: s === '' ? 'x' : s })),
  fc.constantFrom(...STRINGS).map((s) => ({ suffix: s })),
  fc.constantFrom(...STRINGS).map((s) => ({ suffix: { 'equals-ignore-case': s } })),
  fc.constantFrom(...STRINGS).map((s) => ({ prefix: { 'equals-ignore-case': s === '' ? 'x' : s } })),
  fc.constantFrom(...STRINGS).map((s) => ({ 'equals-ignore-case': s })),
  fc.constantFrom('x*', '*y', '*', 'x*y', 'x\\*y').map((s) => ({ wildcard: s })),
  fc.constantFrom(...NUMBERS).map((n) => ({ numeric: ['>=', n] })),
  fc.constantFrom(...NUMBERS).map((n) => ({ numeric: ['<', n] })),
  fc.boolean().map((b) => ({ exists: b })),
  fc.constantFrom('x', 'xy').map((s) => ({ 'anything-but': s })),
  fc.constantFrom(...NUMBERS).map((n) => ({ 'anything-but': [n] })),
  fc.constant({ cidr: '10.0.0.0/8' }),
);
const patternObject: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  obj: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof({ depthSize: 'small' }, fc.array(matcherValue, { minLength: 1, maxLength: 3 }), tie('obj')), {
    minKeys: 1,
    maxKeys: 2,
  }),
})).obj as fc.Arbitrary<Record<string, unknown>>;
const pattern = fc.oneof(
  patternObject,
  fc.tuple(patternObject, patternObject, patternObject).map(([p, q, r]) => ({ ...p, $or: [q, r] })),
);

test('matcher - compiled automaton agrees with the reference evaluator (parsed and raw text)', () => {
  fc.assert(
    fc.property(fc.array(pattern, { minLength: 1, maxLength: 6 }), fc.array(event, { minLength: 1, maxLength: 8 }), (patterns, events) => {
      const m = new RuleMatcher();
      const compiled = patterns.map((p) => compilePattern(p));
      patterns.forEach((p, i) => m.add(`r${i}`, { pattern: p }));
      for (const e of events) {
        const leaves = flattenEvent(e);
        const want = compiled.flatMap((c, i) => (referenceMatch(c, leaves) ? [`r${i}`] : [])).sort();
        assert.deepEqual([...m.match(e)].sort(), want, `parsed: ${JSON.stringify(e)}`);
        assert.deepEqual([...m.matchText(JSON.stringify(e))].sort(), want, `raw text: ${JSON.stringify(e)}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('matcher - removing and re-adding rules keeps results equal to a fresh matcher', () => {
  fc.assert(
    fc.property(fc.array(pattern, { minLength: 2, maxLength: 8 }), fc.array(fc.nat(7), { maxLength: 6 }), event, (patterns, drops, e) => {
      const m = new RuleMatcher();
      patterns.forEach((p, i) => m.add(`r${i}`, { pattern: p }));
      const kept = new Set(patterns.map((_, i) => `r${i}`));
      for (const d of drops) {
        m.remove(`r${d}`);
        kept.delete(`r${d}`);
      }
      const fresh = new RuleMatcher();
      fresh.addAll(patterns.flatMap((p, i) => (kept.has(`r${i}`) ? [[`r${i}`, { pattern: p }] as const] : [])));
      assert.deepEqual([...m.match(e)].sort(), [...fresh.match(e)].sort());
      assert.deepEqual([...m.matchText(JSON.stringify(e))].sort(), [...fresh.match(e)].sort());
    }),
    { numRuns: 200 },
  );
});

/** JSON text of `v` with every object key written as \u escapes when `escape` is set. */
function stringifyKeys(v: unknown, escape: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => stringifyKeys(x, escape)).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const key = (k: string): string => (escape ? `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k));
    return `{${Object.entries(v).map(([k, x]) => `${key(k)}:${stringifyKeys(x, escape)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

test('matcher - raw text with dotted, escaped and backslashed keys matches as the parsed event', () => {
  const oddKeys = ['a', 'b', 'a.b', 'b.c', 'a\\b', 'a\b', 'c'];
  const oddEvent = fc.dictionary(fc.constantFrom(...oddKeys), fc.oneof(scalar, fc.dictionary(fc.constantFrom(...oddKeys), scalar, { maxKeys: 3 })), { maxKeys: 4 });
  const oddPattern = fc.dictionary(fc.constantFrom(...oddKeys), fc.oneof(fc.array(matcherValue, { minLength: 1, maxLength: 2 }), fc.dictionary(fc.constantFrom(...KEYS), fc.array(matcherValue, { minLength: 1, maxLength: 2 }), { minKeys: 1, maxKeys: 2 })), { minKeys: 1, maxKeys: 2 });
  fc.assert(
    fc.property(fc.array(oddPattern, { minLength: 1, maxLength: 4 }), oddEvent, fc.boolean(), (patterns, e, escape) => {
      const m = new RuleMatcher();
      patterns.forEach((p, i) => m.add(`r${i}`, { pattern: p }));
      assert.deepEqual([...m.matchText(stringifyKeys(e, escape))].sort(), [...m.match(e)].sort(), stringifyKeys(e, escape));
    }),
    { numRuns: 400 },
  );
});

/** The next double up or down from `d` (finite). */
function nextDouble(d: number, up: boolean): number {
  const f = new Float64Array([d]);
  const b = new BigInt64Array(f.buffer);
  if (d === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  b[0] = b[0]! + ((d > 0) === up ? 1n : -1n);
  return f[0]!;
}

test('matcher - numeric ranges on literal text: boundaries, signs, exponent forms and non-double literals agree with the reference', () => {
  const BOUNDS = [-122.41600944012424, -5, -0.5, 0, 2.5, 1e21, 9007199254740992, 37.729900216217324];
  /** A bound, or a double next to it, written in one of several literal forms. */
  const literal = fc.tuple(fc.constantFrom(...BOUNDS), fc.constantFrom(-1, 0, 0, 1), fc.nat(5)).map(([b, step, form]) => {
    const d = step === 0 ? b : nextDouble(b, step > 0);
    const t = String(d);
    switch (form) {
      case 0:
        return t;
      case 1:
        return d.toExponential(); // 2.5e+0, -1.2241600944012424e+2
      case 2:
        return t.includes('e') || t.includes('.') ? t : `${t}.000`; // 0.000, 9007199254740992.000
      case 3:
        return d.toExponential().replace('e+', 'E'); // capital E, no plus
      case 4:
        return d === 0 ? '-0.0' : t;
      default:
        return d.toPrecision(17);
    }
  });
  /** Literals that are not exactly one double: they never meet a range, whatever their value. */
  const inexact = fc.constantFrom('9007199254740993', '9.007199254740993e15', '0.10000000000000001', '-122.416009440124241', '1e400', '2.50000000000000001');
  const op = fc.constantFrom('<', '<=', '>', '>=', '=');
  const range = fc.oneof(
    fc.tuple(op, fc.constantFrom(...BOUNDS)).map(([o, n]) => [o, n]),
    fc.tuple(fc.constantFrom('>', '>='), fc.constantFrom(...BOUNDS), fc.constantFrom('<', '<='), fc.constantFrom(...BOUNDS))
      .filter(([, a, , b]) => a < b)
      .map(([o1, a, o2, b]) => [o1, a, o2, b]),
  );
  fc.assert(
    fc.property(fc.array(range, { minLength: 1, maxLength: 8 }), fc.array(fc.oneof(literal, inexact), { minLength: 1, maxLength: 3 }), (ranges, values) => {
      const m = new RuleMatcher();
      const compiled = ranges.map((r) => compilePattern({ v: [{ numeric: r }] }));
      ranges.forEach((r, i) => m.add(`r${i}`, { pattern: { v: [{ numeric: r }] } }));
      const text = `{"v":[${values.join(',')}]}`;
      const event = parseJsonLossless(text);
      const want = compiled.flatMap((c, i) => (referenceMatch(c, flattenEvent(event)) ? [`r${i}`] : [])).sort();
      assert.deepEqual([...m.matchText(text)].sort(), want, `raw text ${text}`);
      assert.deepEqual([...m.match(event)].sort(), want, `parsed ${text}`);
      // An independent oracle: exactness by its definition (printing the double), plain comparisons.
      const oracle = ranges.flatMap((r, i) => {
        const hit = values.some((v) => {
          const x = Number(v);
          if (!exactByPrinting(v, x)) return false;
          const cmp = (o: unknown, b: unknown): boolean =>
            o === '<' ? x < (b as number) : o === '<=' ? x <= (b as number) : o === '>' ? x > (b as number) : o === '>=' ? x >= (b as number) : x === b;
          return r.length === 2 ? cmp(r[0], r[1]) : cmp(r[0], r[1]) && cmp(r[2], r[3]);
        });
        return hit ? [`r${i}`] : [];
      });
      assert.deepEqual(want, oracle.sort(), `oracle ${text}`);
    }),
    { numRuns: 1500 },
  );
});

test('matcher - raw text rejects exactly the malformed number and literal tokens JSON.parse rejects, on read paths', () => {
  const token = fc.oneof(
    fc.array(fc.constantFrom(...'0123456789-+.eExtrufalsn'), { minLength: 1, maxLength: 7 }).map((c) => c.join('')),
    fc.constantFrom('true', 'false', 'null', '-0', '0.5e-3', '12x', '1.5.3', '01', '-', '1e', '.5', '5.'),
  );
  const m = new RuleMatcher();
  m.add('r', { pattern: { v: [{ exists: true }] } });
  fc.assert(
    fc.property(token, (tok) => {
      const text = `{"v":[${tok}]}`;
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      if (valid) assert.deepEqual(m.matchText(text), ['r'], text);
      else assert.throws(() => m.matchText(text), /malformed event JSON/, text);
    }),
    { numRuns: 3000 },
  );
});
