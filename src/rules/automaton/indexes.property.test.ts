// Property tests: the interval index and the exclusion index return exactly the targets whose
// matcher accepts the value, as matchesLeaf (the reference meaning) says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matchesLeaf } from '../pattern/match-value.js';
import { compilePattern } from '../pattern/parse.js';
import { numberInfo } from '../pattern/number.js';
import type { LeafValue, ValueMatcher } from '../pattern/types.js';
import { ExclusionIndex } from './exclusion-index.js';
import { NameState } from './name-state.js';
import { RangeIndex } from './range-index.js';

/** The single matcher of a one-field pattern `{ f: [op] }`. */
const matcherOf = (op: unknown): ValueMatcher => compilePattern({ f: [op] }).alternatives[0]![0]!.matchers[0]!;

const BOUNDS = [-5, -1, 0, 0.5, 1, 2, 1e21];
const bound = fc.constantFrom(...BOUNDS);
const numericOp = fc.oneof(
  fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '='), bound).map(([o, n]) => ({ numeric: [o, n] })),
  fc.tuple(fc.constantFrom('>', '>='), bound, fc.constantFrom('<', '<='), bound)
    .filter(([, a, , b]) => a < b)
    .map(([o1, a, o2, b]) => ({ numeric: [o1, a, o2, b] })),
);
const numberValue = fc.oneof(bound, fc.constantFrom(-7, -0.5, 0.25, 1.5, 3, 1e22, -0), fc.double({ noNaN: true, noDefaultInfinity: true }));

function check(ms: readonly ValueMatcher[], add: (m: ValueMatcher) => NameState[], collect: (v: LeafValue, out: NameState[]) => void, v: LeafValue): void {
  const states = ms.map((m) => {
    const s = new NameState();
    add(m).push(s);
    return s;
  });
  const out: NameState[] = [];
  collect(v, out);
  const want = states.filter((_, i) => matchesLeaf(ms[i]!, v));
  assert.deepEqual(new Set(out), new Set(want));
  assert.equal(out.length, want.length, 'each target once');
}

test('range index - returns exactly the ranges containing the value, bounds inclusive or not', () => {
  fc.assert(
    fc.property(fc.uniqueArray(numericOp, { minLength: 1, maxLength: 12, selector: (o) => JSON.stringify(o) }), fc.array(numberValue, { minLength: 1, maxLength: 6 }), (ops, values) => {
      const ms = ops.map(matcherOf);
      for (const n of values) {
        const idx = new RangeIndex();
        const v = numberInfo(String(n === 0 ? 0 : n));
        check(ms, (m) => idx.add(m as Extract<ValueMatcher, { op: 'numeric' }>), (x, out) => idx.collect((x as typeof v).value, out), v);
      }
    }),
    { numRuns: 500 },
  );
});

test('range index - adding after a lookup rebuilds the tree', () => {
  const idx = new RangeIndex();
  const a = new NameState();
  const b = new NameState();
  idx.add(matcherOf({ numeric: ['>', 0] }) as Extract<ValueMatcher, { op: 'numeric' }>).push(a);
  const out: NameState[] = [];
  idx.collect(5, out);
  assert.deepEqual(out, [a]);
  idx.add(matcherOf({ numeric: ['=', 5] }) as Extract<ValueMatcher, { op: 'numeric' }>).push(b);
  out.length = 0;
  idx.collect(5, out);
  assert.deepEqual(new Set(out), new Set([a, b]));
});

const STRINGS = ['', 'a', 'ab', 'AB', 'abc', 'bc', 'c', 'x*y', 'xzy'];
const exclusionOp = fc.oneof(
  fc.uniqueArray(fc.constantFrom(...STRINGS.filter((s) => s !== '')), { minLength: 1, maxLength: 3 }).map((vs) => ({ 'anything-but': vs })),
  fc.uniqueArray(fc.constantFrom(0, 1, 2.5, -3), { minLength: 1, maxLength: 3 }).map((vs) => ({ 'anything-but': vs })),
  fc.constantFrom('a', 'ab', 'x').map((p) => ({ 'anything-but': { prefix: p } })),
  fc.constantFrom('c', 'bc', 'y').map((p) => ({ 'anything-but': { suffix: p } })),
  fc.uniqueArray(fc.constantFrom('ab', 'Abc', 'C'), { minLength: 1, maxLength: 2 }).map((vs) => ({ 'anything-but': { 'equals-ignore-case': vs } })),
  fc.constantFrom('x*y', 'a*', '*c').map((w) => ({ 'anything-but': { wildcard: w } })),
);
const leafValue: fc.Arbitrary<LeafValue> = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.constantFrom('0', '1', '2.5', '-3', '7', '9007199254740993').map(numberInfo),
  fc.boolean(),
  fc.constant(null),
);

test('exclusion index - returns every anything-but matcher except those excluding the value', () => {
  fc.assert(
    fc.property(fc.uniqueArray(exclusionOp, { minLength: 1, maxLength: 10, selector: (o) => JSON.stringify(o) }), leafValue, (ops, v) => {
      const idx = new ExclusionIndex();
      const ms = ops.map(matcherOf);
      check(ms, (m) => idx.add((m as Extract<ValueMatcher, { op: 'anything-but' }>).exclusion), (x, out) => idx.collect(x, out), v);
    }),
    { numRuns: 500 },
  );
});
