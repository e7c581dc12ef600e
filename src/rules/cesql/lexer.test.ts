import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, type Token } from './lexer.js';
import { isSwitchyardError } from '../../core/index.js';

function kinds(tokens: Token[]): string[] {
  return tokens.map((t) => {
    switch (t.kind) {
      case 'integer':
        return `int:${t.digits}`;
      case 'string':
        return `str:${t.value}`;
      case 'word':
        return `word:${t.text}`;
      case 'symbol':
        return `sym:${t.symbol}`;
      case 'eof':
        return 'eof';
    }
  });
}

test('lexer - words, integers, symbols and offsets', () => {
  const tokens = tokenize('hop<=10 AND\tx<>y');
  assert.deepEqual(kinds(tokens), ['word:hop', 'sym:<=', 'int:10', 'word:AND', 'word:x', 'sym:<>', 'word:y', 'eof']);
  assert.deepEqual(tokens.map((t) => t.start), [0, 3, 5, 8, 12, 13, 15, 16]);
});

test('lexer - a sign is never part of an integer token, so 4 -1 is a subtraction', () => {
  assert.deepEqual(kinds(tokenize('4 -1')), ['int:4', 'sym:-', 'int:1', 'eof']);
});

test('lexer - a mixed run of letters and digits is one word', () => {
  assert.deepEqual(kinds(tokenize('1abc CONCAT_WS')), ['word:1abc', 'word:CONCAT_WS', 'eof']);
});

test('lexer - string escapes: the delimiter, a doubled delimiter and \\\\; other pairs stay verbatim', () => {
  assert.deepEqual(kinds(tokenize(`'a"b\\'c'`)), [`str:a"b'c`, 'eof']);
  assert.deepEqual(kinds(tokenize(`"a'b\\"c"`)), [`str:a'b"c`, 'eof']);
  assert.deepEqual(kinds(tokenize(`'it''s'`)), [`str:it's`, 'eof']);
  assert.deepEqual(kinds(tokenize(`'a\\\\b'`)), ['str:a\\b', 'eof']);
  assert.deepEqual(kinds(tokenize(`'100\\%'`)), ['str:100\\%', 'eof']);
  assert.deepEqual(kinds(tokenize(`'' ''`)), ['str:', 'str:', 'eof']);
});

test('lexer - an unterminated string is a parse error at its opening quote', () => {
  assert.throws(
    () => tokenize(`x = 'abc`),
    (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_RULES_CESQL_PARSE' && e.extra?.['position'] === 4,
  );
  assert.throws(() => tokenize(`'abc\\'`), (e: unknown) => isSwitchyardError(e));
});

test('lexer - an unknown character is a parse error naming it', () => {
  assert.throws(
    () => tokenize('a & b'),
    (e: unknown) => isSwitchyardError(e) && e.violations[0]?.reason === 'unexpected character "&" at offset 2',
  );
});
