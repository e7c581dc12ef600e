import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCesql, MAX_CESQL_DEPTH } from './parser.js';
import { printCesql } from './printer.js';
import { isSwitchyardError } from '../../core/index.js';

/** The canonical, fully parenthesized form shows how the parser grouped the expression. */
function shape(expression: string): string {
  return printCesql(parseCesql(expression));
}

function parseErrorAt(expression: string, position: number, reasonPart: string): void {
  assert.throws(
    () => parseCesql(expression),
    (e: unknown) =>
      isSwitchyardError(e) &&
      e.code === 'SWY_RULES_CESQL_PARSE' &&
      e.extra?.['position'] === position &&
      e.violations.length === 1 &&
      (e.violations[0]?.reason.includes(reasonPart) ?? false),
    `${expression} should fail at ${position} with "${reasonPart}"`,
  );
}

test('parser - multiplication binds tighter than addition, both left-associative', () => {
  assert.equal(shape('4 * 2 + 4 / 2'), '((4 * 2) + (4 / 2))');
  assert.equal(shape('1 - 2 - 3'), '((1 - 2) - 3)');
  assert.equal(shape('8 / 4 % 3'), '((8 / 4) % 3)');
});

test('parser - comparison binds tighter than logic', () => {
  assert.equal(shape('a = 1 AND b < 2'), '((a = 1) AND (b < 2))');
});

test('parser - AND, OR and XOR share one level, left to right (spec §3.6)', () => {
  assert.equal(shape('a OR b AND c'), '((a OR b) AND c)');
  assert.equal(shape('a AND b OR c XOR d'), '(((a AND b) OR c) XOR d)');
});

test('parser - keywords are case-insensitive, identifiers are lower-cased, function names upper-cased', () => {
  assert.equal(shape('int(HOP) < Int(ttl) and TrUe'), '((INT(hop) < INT(ttl)) AND TRUE)');
  assert.equal(shape('EXISTS SOURCE'), '(EXISTS source)');
});

test('parser - unary operators bind tighter than every binary and postfix operator', () => {
  assert.equal(shape('NOT a = b'), '((NOT a) = b)');
  assert.equal(shape('-a * b'), '((-(a)) * b)');
  assert.equal(shape('NOT NOT a'), '(NOT (NOT a))');
});

test('parser - LIKE binds tighter than IN, which binds tighter than arithmetic', () => {
  assert.equal(shape("a + b LIKE 'x'"), "(a + (b LIKE 'x'))");
  assert.equal(shape('a + b IN (1, 2)'), '(a + (b IN (1, 2)))');
  assert.equal(shape("a NOT LIKE 'x%' AND b NOT IN ('y')"), "((a NOT LIKE 'x%') AND (b NOT IN ('y')))");
});

test('parser - a sign before digits is part of the literal; otherwise minus is an operator', () => {
  assert.deepEqual(parseCesql('-2147483648'), { type: 'literal', value: -2147483648, at: 0 });
  assert.deepEqual(parseCesql('+7'), { type: 'literal', value: 7, at: 0 });
  assert.equal(shape('--10'), '(-(-10))');
  assert.equal(shape("-'10'"), "(-('10'))");
  assert.equal(shape('4 -1'), '(4 - 1)');
  assert.deepEqual(parseCesql('-0'), { type: 'literal', value: 0, at: 0 });
});

test('parser - integer literals outside 32 bits are parse errors', () => {
  parseErrorAt('2147483648', 0, 'outside the 32-bit range');
  parseErrorAt('1 + -2147483649', 4, 'outside the 32-bit range');
});

test('parser - function calls take zero or more arguments', () => {
  assert.equal(shape('CONCAT()'), 'CONCAT()');
  assert.equal(shape("CONCAT_WS(',', a, 'b')"), "CONCAT_WS(',', a, 'b')");
});

test('parser - syntax errors give the offset of the first problem', () => {
  parseErrorAt('ABC(', 4, 'unexpected end of expression');
  parseErrorAt('x LIKE 123', 7, 'the LIKE pattern must be a string literal');
  parseErrorAt('a IN ()', 6, 'at least one element');
  parseErrorAt('(1 + 2', 6, "expected ')'");
  parseErrorAt('1 2', 2, 'unexpected integer 2');
  parseErrorAt('a AND', 5, 'unexpected end of expression');
  parseErrorAt('AND a', 0, 'unexpected keyword AND');
  parseErrorAt('EXISTS 1 + 1', 7, 'EXISTS needs an attribute name');
  parseErrorAt('my_ext = 1', 0, "'my_ext' is not a valid attribute name");
  parseErrorAt('f1(2)', 0, "'f1' is not a valid function name");
  parseErrorAt('a NOT b', 2, "unexpected 'NOT'");
  parseErrorAt('+a', 0, "unexpected '+'");
  parseErrorAt('', 0, 'unexpected end of expression');
});

test('parser - the violation path is the one the caller gives', () => {
  assert.throws(
    () => parseCesql('a =', '/filters/0/sql'),
    (e: unknown) => isSwitchyardError(e) && e.violations[0]?.path === '/filters/0/sql',
  );
});

test('parser - nesting beyond the depth limit is refused, not a stack overflow', () => {
  const deep = '('.repeat(MAX_CESQL_DEPTH + 1) + '1' + ')'.repeat(MAX_CESQL_DEPTH + 1);
  assert.throws(() => parseCesql(deep), (e: unknown) => isSwitchyardError(e) && e.message.includes('nested deeper'));
  const ok = '('.repeat(MAX_CESQL_DEPTH - 2) + '1' + ')'.repeat(MAX_CESQL_DEPTH - 2);
  assert.deepEqual(parseCesql(ok).type, 'literal');
  assert.throws(() => parseCesql('NOT '.repeat(100_000) + 'TRUE'), (e: unknown) => isSwitchyardError(e));
});

test('parser - a chain of binary operators counts toward the depth limit: 20,000 ANDs are refused, not a stack overflow', () => {
  const chain = (n: number, op: string): string => Array.from({ length: n }, (_, i) => `a = '${i}'`).join(` ${op} `);
  for (const op of ['AND', 'OR', 'XOR']) {
    assert.throws(() => parseCesql(chain(20_000, op), '/filter/sql'), (e: unknown) =>
      isSwitchyardError(e) && e.code === 'SWY_RULES_CESQL_PARSE' && e.violations[0]?.path === '/filter/sql'
      && e.violations[0].reason.includes(`nested deeper than ${MAX_CESQL_DEPTH} levels`));
  }
  assert.throws(() => parseCesql(Array.from({ length: 20_000 }, () => '1').join(' + ')), (e: unknown) => isSwitchyardError(e) && e.message.includes('nested deeper'));
  // 100 comparisons joined by AND: 99 levels of AND over one of =, well inside the limit.
  assert.equal(parseCesql(chain(100, 'AND')).type, 'binary');
});

test('parser - a keyword before a parenthesis is still a keyword, not a function call', () => {
  assert.equal(shape('NOT (a = 1)'), '(NOT (a = 1))');
  assert.equal(shape('TRUE AND (FALSE)'), '(TRUE AND FALSE)');
  parseErrorAt('AND(1)', 0, 'unexpected keyword AND');
});
