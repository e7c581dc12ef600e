import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { skipComposite } from './skip.js';

test('skip - ends just past the matching bracket, over strings holding brackets and escaped quotes', () => {
  const text = '{"a":[1,{"b":"x]}\\"["}],"c":"\\\\"} tail';
  assert.equal(skipComposite(text, 0), text.indexOf(' tail'));
});

test('skip - subtrees deeper than the regex handles fall back to the loop with the same end', () => {
  const deep = `${'['.repeat(40)}"]"${']'.repeat(40)},1`;
  assert.equal(skipComposite(deep, 0), deep.length - 2);
});

test('skip - unbalanced brackets and unterminated strings give -1', () => {
  assert.equal(skipComposite('{"a":[1,2}', 0), -1);
  assert.equal(skipComposite('["abc]', 0), -1);
  assert.equal(skipComposite('["abc\\"]', 0), -1);
});

test('skip - agrees with JSON.stringify lengths on generated JSON values', () => {
  fc.assert(
    fc.property(fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue())), (v) => {
      const text = JSON.stringify(v);
      assert.equal(skipComposite(`${text},"x"`, 0), text.length);
    }),
    { numRuns: 300 },
  );
});

test('skip - long unbalanced input fails in linear time (the regex never backtracks exponentially)', () => {
  // Each would take longer than the test's lifetime if a failing match backtracked exponentially.
  assert.equal(skipComposite(`[${'a'.repeat(100_000)}`, 0), -1);
  assert.equal(skipComposite(`[${'{"a":[1,2,"x"],'.repeat(20_000)}`, 0), -1);
  assert.equal(skipComposite(`[${'"ab\\"c",'.repeat(20_000)}`, 0), -1);
  assert.equal(skipComposite(`[[[[[${' 1,'.repeat(30_000)}]]]]`, 0), -1);
});
