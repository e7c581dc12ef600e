import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BinaryOp, CesqlNode } from './ast.js';
import { compileCesql } from './expression.js';
import { compileLike } from './like.js';
import { parseCesql } from './parser.js';
import { printCesql } from './printer.js';
import { INT32_MAX, INT32_MIN } from './types.js';

const KEYWORDS = new Set(['and', 'or', 'xor', 'not', 'like', 'in', 'exists', 'true', 'false']);
const BINARY_OPS: BinaryOp[] = ['AND', 'OR', 'XOR', '=', '!=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%'];
const FUNCTIONS: [string, number][] = [['ABS', 1], ['LENGTH', 1], ['CONCAT', 0], ['CONCAT', 3], ['CONCAT_WS', 2], ['LEFT', 2], ['SUBSTRING', 2], ['SUBSTRING', 3], ['INT', 1], ['BOOL', 1], ['STRING', 1], ['IS_INT', 1], ['UPPER', 1], ['TRIM', 1], ['NOPE', 1]];

/** Attribute names: a small pool so that generated events often hold the referenced attributes. */
const attributeName = fc.constantFrom('type', 'source', 'subject', 'x', 'n1', 'flag', 'missing');
const anyIdentifier = fc.stringMatching(/^[a-z0-9]{1,8}$/).filter((s) => /[a-z]/.test(s) && !KEYWORDS.has(s));
const int32 = fc.integer({ min: INT32_MIN, max: INT32_MAX });
const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('true', 'FALSE', '12', '-3', '%', '_', '\\', "'", '"'));

/** Syntax trees as the parser produces them (offsets are zeroed before comparison). */
function cesqlTree(identifier: fc.Arbitrary<string>): fc.Arbitrary<CesqlNode> {
  const { node } = fc.letrec<{ node: CesqlNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(int32, fc.boolean(), text).map((value): CesqlNode => ({ type: 'literal', value, at: 0 })),
      identifier.map((name): CesqlNode => ({ type: 'attribute', name, at: 0 })),
      identifier.map((name): CesqlNode => ({ type: 'exists', name, at: 0 })),
      fc.tuple(fc.constantFrom('NOT' as const, '-' as const), tie('node')).map(([op, operand]): CesqlNode => ({ type: 'unary', op, operand, at: 0 })),
      fc.tuple(fc.constantFrom(...BINARY_OPS), tie('node'), tie('node')).map(([op, left, right]): CesqlNode => ({ type: 'binary', op, left, right, at: 0 })),
      fc.tuple(fc.boolean(), tie('node'), text).map(([negated, operand, pattern]): CesqlNode => ({ type: 'like', negated, operand, pattern, at: 0 })),
      fc.tuple(fc.boolean(), tie('node'), fc.array(tie('node'), { minLength: 1, maxLength: 3 })).map(([negated, operand, set]): CesqlNode => ({ type: 'in', negated, operand, set, at: 0 })),
      fc.constantFrom(...FUNCTIONS).chain(([name, arity]) =>
        fc.array(tie('node'), { minLength: arity, maxLength: arity }).map((args): CesqlNode => ({ type: 'call', name, args, at: 0 })),
      ),
    ),
  }));
  return node;
}

/** Replaces every offset with 0, so trees can be compared by shape. */
function withoutOffsets(node: CesqlNode): CesqlNode {
  return JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'at' ? 0 : value))) as CesqlNode;
}

const event = fc.record(
  {
    specversion: fc.constant('1.0'),
    id: fc.string(),
    source: fc.string(),
    type: fc.string(),
    subject: fc.oneof(fc.string(), int32),
    x: fc.oneof(text, int32, fc.boolean(), fc.constant(null), fc.double()),
    n1: fc.oneof(int32, fc.constantFrom('7', '-2147483648', 'abc')),
    flag: fc.oneof(fc.boolean(), fc.constantFrom('true', 'False', 'maybe')),
  },
  { requiredKeys: ['specversion', 'id', 'source', 'type'] },
);

function size(node: CesqlNode): number {
  return JSON.stringify(node).split('"type"').length - 1;
}

test('property - printing a tree and parsing the text gives the same tree', () => {
  let largest = 0;
  fc.assert(
    fc.property(cesqlTree(anyIdentifier), (tree) => {
      largest = Math.max(largest, size(tree));
      assert.deepEqual(withoutOffsets(parseCesql(printCesql(tree))), tree);
    }),
    { numRuns: 500 },
  );
  assert.ok(largest >= 15, `the generator must produce non-trivial trees (largest had ${largest} nodes)`);
});

test('property - evaluation never throws and yields a CESQL value and known error kinds', () => {
  const kinds = new Set(['math', 'cast', 'missingAttribute', 'missingFunction', 'functionEvaluation', 'generic']);
  fc.assert(
    fc.property(cesqlTree(attributeName), event, (tree, ev) => {
      const expr = compileCesql(printCesql(tree));
      const { value, errors } = expr.evaluate(ev);
      if (typeof value === 'number') assert.ok(Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0), `int32: ${value}`);
      else assert.ok(typeof value === 'boolean' || typeof value === 'string');
      for (const e of errors) assert.ok(kinds.has(e.kind));
    }),
    { numRuns: 1000 },
  );
});

test('property - matches() (fail-fast) agrees with evaluate() (complete): Boolean true and no error', () => {
  fc.assert(
    fc.property(cesqlTree(attributeName), event, (tree, ev) => {
      const expr = compileCesql(printCesql(tree));
      const { value, errors } = expr.evaluate(ev);
      assert.equal(expr.matches(ev), value === true && errors.length === 0);
    }),
    { numRuns: 1000 },
  );
});

/** The LIKE semantics written the obvious (exponential) way, as an oracle for short inputs. */
function likeOracle(value: string[], pattern: string[]): boolean {
  if (pattern.length === 0) return value.length === 0;
  const [p, ...rest] = pattern as [string, ...string[]];
  if (p === '\\' && rest.length > 0 && ['%', '_', '\\'].includes(rest[0] as string)) {
    return value[0] === rest[0] && likeOracle(value.slice(1), rest.slice(1));
  }
  if (p === '%') return value.some((_, i) => likeOracle(value.slice(i), rest)) || likeOracle([], rest);
  if (p === '_') return value.length > 0 && likeOracle(value.slice(1), rest);
  return value[0] === p && likeOracle(value.slice(1), rest);
}

test('property - the LIKE matcher agrees with a naive recursive oracle', () => {
  const alphabet = fc.constantFrom('a', 'b', '%', '_', '\\', '😀');
  const str = fc.array(alphabet, { maxLength: 7 }).map((cs) => cs.join(''));
  fc.assert(
    fc.property(str, str, (value, pattern) => {
      assert.equal(compileLike(pattern)(value), likeOracle(Array.from(value), Array.from(pattern)), `${JSON.stringify(value)} LIKE ${JSON.stringify(pattern)}`);
    }),
    { numRuns: 3000 },
  );
});
