// Property tests: the compiled automaton (parsed and raw-text paths) agrees with the reference
// evaluator on generated patterns and events, including arrays of objects, $or and exists:false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RuleMatcher } from './matcher.js';
import { compilePattern } from './pattern/parse.js';
import { flattenEvent } from './event/flatten.js';
import { referenceMatch } from './reference.js';

const KEYS = ['a', 'b', 'c'];
const STRINGS = ['', 'x', 'xy', 'Xy', 'yx', 'x*y', '10.0.0.1', 'abc'];
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
