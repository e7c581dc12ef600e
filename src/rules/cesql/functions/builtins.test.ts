import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCesql } from '../expression.js';

const EVENT = { specversion: '1.0', id: '1', source: '/s', type: 't' };

function evalExpr(expression: string) {
  const { value, errors } = compileCesql(expression).evaluate(EVENT);
  return { value, errors: errors.map((e) => e.kind) };
}

test('builtins - LENGTH, LEFT, RIGHT and SUBSTRING count code points', () => {
  assert.deepEqual(evalExpr("LENGTH('a😀é')"), { value: 3, errors: [] });
  assert.deepEqual(evalExpr("LEFT('😀😀x', 2)"), { value: '😀😀', errors: [] });
  assert.deepEqual(evalExpr("RIGHT('x😀😀', 1)"), { value: '😀', errors: [] });
  assert.deepEqual(evalExpr("SUBSTRING('a😀bc', 2, 2)"), { value: '😀b', errors: [] });
});

test('builtins - LEFT and RIGHT with a negative length return the input and an error', () => {
  assert.deepEqual(evalExpr("LEFT('abc', -1)"), { value: 'abc', errors: ['functionEvaluation'] });
  assert.deepEqual(evalExpr("RIGHT('abc', 0)"), { value: '', errors: [] });
});

test('builtins - SUBSTRING positions: 1-based, negative from the end, 0 empty, out of range an error', () => {
  assert.deepEqual(evalExpr("SUBSTRING('abcdef', 6)"), { value: 'f', errors: [] });
  assert.deepEqual(evalExpr("SUBSTRING('abcdef', -6)"), { value: 'abcdef', errors: [] });
  assert.deepEqual(evalExpr("SUBSTRING('abcdef', 7)"), { value: '', errors: ['functionEvaluation'] });
  assert.deepEqual(evalExpr("SUBSTRING('abcdef', 2, 100)"), { value: 'bcdef', errors: [] });
  assert.deepEqual(evalExpr("SUBSTRING('abcdef', 2, -1)"), { value: '', errors: ['functionEvaluation'] });
  assert.deepEqual(evalExpr("SUBSTRING('', 0)"), { value: '', errors: [] });
});

test('builtins - TRIM removes Unicode White_Space only', () => {
  assert.deepEqual(evalExpr("TRIM('\u00a0\u2003 x y \u0085')"), { value: 'x y', errors: [] });
  assert.deepEqual(evalExpr("TRIM('\ufeffx')"), { value: '\ufeffx', errors: [] });
});

test('builtins - CONCAT_WS puts the delimiter only between values; arguments are cast to String', () => {
  assert.deepEqual(evalExpr("CONCAT_WS('-', 1, TRUE, 'x')"), { value: '1-true-x', errors: [] });
  assert.deepEqual(evalExpr('CONCAT(1, 2)'), { value: '12', errors: [] });
});

test('builtins - ABS saturates at 2^31-1 with a math error', () => {
  assert.deepEqual(evalExpr('ABS(-2147483648)'), { value: 2147483647, errors: ['math'] });
  assert.deepEqual(evalExpr("ABS('-5')"), { value: 5, errors: [] });
});

test('builtins - an argument that cannot be cast gives the zero value and a cast error', () => {
  assert.deepEqual(evalExpr("ABS('x')"), { value: 0, errors: ['cast'] });
  assert.deepEqual(evalExpr("LEFT('abc', 'x')"), { value: '', errors: ['cast'] });
});

test('builtins - IS_INT and IS_BOOL test a cast without raising an error', () => {
  assert.deepEqual(evalExpr("IS_INT('-12')"), { value: true, errors: [] });
  assert.deepEqual(evalExpr("IS_INT('1.5')"), { value: false, errors: [] });
  assert.deepEqual(evalExpr('IS_INT(TRUE)'), { value: true, errors: [] });
  assert.deepEqual(evalExpr("IS_BOOL('False')"), { value: true, errors: [] });
  assert.deepEqual(evalExpr("IS_BOOL('no')"), { value: false, errors: [] });
  assert.deepEqual(evalExpr('IS_BOOL(2)'), { value: true, errors: [] });
});
