import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arithmetic, negate } from './arithmetic.js';

test('arithmetic - division truncates toward zero; the remainder has the sign of the dividend', () => {
  assert.deepEqual(arithmetic('/', 7, 2), { value: 3, overflow: false });
  assert.deepEqual(arithmetic('/', -7, 2), { value: -3, overflow: false });
  assert.deepEqual(arithmetic('%', -7, 2), { value: -1, overflow: false });
  assert.deepEqual(arithmetic('%', 7, -2), { value: 1, overflow: false });
  assert.ok(Object.is(arithmetic('%', -4, 2).value, 0), 'no negative zero');
});

test('arithmetic - results outside 32 bits wrap around and are flagged', () => {
  assert.deepEqual(arithmetic('+', 2147483647, 1), { value: -2147483648, overflow: true });
  assert.deepEqual(arithmetic('-', -2147483648, 1), { value: 2147483647, overflow: true });
  assert.deepEqual(arithmetic('*', 65536, 65536), { value: 0, overflow: true });
  assert.deepEqual(arithmetic('*', 2147483647, 2147483647), { value: 1, overflow: true });
  assert.deepEqual(arithmetic('/', -2147483648, -1), { value: -2147483648, overflow: true });
  assert.deepEqual(arithmetic('*', -46341, 46340), { value: -2147441940, overflow: false });
});

test('arithmetic - unary minus overflows only for -2^31', () => {
  assert.deepEqual(negate(5), { value: -5, overflow: false });
  assert.deepEqual(negate(-2147483648), { value: -2147483648, overflow: true });
  assert.ok(Object.is(negate(0).value, 0));
});
