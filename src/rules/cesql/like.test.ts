import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLike } from './like.js';

function like(value: string, pattern: string): boolean {
  return compileLike(pattern)(value);
}

test('like - % matches any run of characters, including none', () => {
  assert.equal(like('abc', 'a%c'), true);
  assert.equal(like('ac', 'a%c'), true);
  assert.equal(like('abcd', 'a%c'), false);
  assert.equal(like('', '%'), true);
  assert.equal(like('x', '%%%'), true);
});

test('like - _ matches exactly one character (a code point, not a UTF-16 unit)', () => {
  assert.equal(like('abc', 'a_c'), true);
  assert.equal(like('ac', 'a_c'), false);
  assert.equal(like('a😀c', 'a_c'), true);
  assert.equal(like('a\nc', 'a_c'), true);
});

test('like - matching is case-sensitive', () => {
  assert.equal(like('aBc', 'abc'), false);
  assert.equal(like('ABC', 'A%'), true);
});

test('like - backslash escapes %, _ and itself; before anything else it is a literal backslash', () => {
  assert.equal(like('a%b', 'a\\%b'), true);
  assert.equal(like('axb', 'a\\%b'), false);
  assert.equal(like('a_b', 'a\\_b'), true);
  assert.equal(like('axb', 'a\\_b'), false);
  assert.equal(like('a\\b', 'a\\\\b'), true);
  assert.equal(like('a\\c', 'a\\c'), true);
  assert.equal(like('a\\', 'a\\'), true);
});

test('like - regular-expression characters are literal', () => {
  assert.equal(like('a.c', 'a.c'), true);
  assert.equal(like('abc', 'a.c'), false);
  assert.equal(like('(x)*', '(x)*'), true);
});

test('like - prefix, suffix and exact shapes agree with the general matcher', () => {
  assert.equal(like('https://x', 'https://%'), true);
  assert.equal(like('http://x', 'https://%'), false);
  assert.equal(like('com.github.error', '%.error'), true);
  assert.equal(like('com.github.errors', '%.error'), false);
  assert.equal(like('%x', '\\%x'), true);
});

// Backtracking would take 20,000^8 steps here and never finish; the per-test timeout turns such a
// regression into a failure instead of a hang.
test('like - many stars on a long value finish (no exponential backtracking)', { timeout: 120_000 }, () => {
  const value = 'a'.repeat(20_000);
  assert.equal(like(value, '%a%a%a%a%a%a%a%a%b'), false);
});
