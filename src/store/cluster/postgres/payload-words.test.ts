import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WORDS_PER_EVENT, MAX_WORD_CHARS, payloadText, wordsOf } from './payload-words.js';

test('payload words - letters and digits runs, lower-cased, accents removed; everything else separates', () => {
  assert.deepEqual(wordsOf('Order #42 shipped to Zürich; "DROP" al* (x)'), ['order', '42', 'shipped', 'to', 'zurich', 'drop', 'al', 'x']);
  assert.deepEqual(wordsOf('alpha\u0000beta alpha'), ['alpha', 'beta']);
  assert.deepEqual(wordsOf('  \t'), []);
});

test('payload words - a hostile payload yields a bounded word list', () => {
  const many = Array.from({ length: MAX_WORDS_PER_EVENT * 3 }, (_, i) => `w${i}`).join(' ');
  assert.equal(wordsOf(many).length, MAX_WORDS_PER_EVENT);
  assert.equal(wordsOf('x'.repeat(100_000))[0]?.length, MAX_WORD_CHARS);
});

test('payload words - only data is searchable text: a string as is, anything else as JSON; no data, or bad JSON, none', () => {
  assert.equal(payloadText(JSON.stringify({ id: '1', type: 'word', data: 'hello' })), 'hello');
  assert.equal(payloadText(JSON.stringify({ id: '1', data: { msg: 'hi' } })), '{"msg":"hi"}');
  assert.equal(payloadText(JSON.stringify({ id: '1', type: 'word' })), '');
  assert.equal(payloadText('{not json'), '');
  assert.equal(payloadText('[1,2]'), '');
});
