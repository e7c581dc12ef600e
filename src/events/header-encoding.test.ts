import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeHeaderValue, encodeHeaderValue } from './header-encoding.js';

test('header encoding - the spec example: "Euro € 😀"', () => {
  assert.equal(encodeHeaderValue('Euro € 😀'), 'Euro%20%E2%82%AC%20%F0%9F%98%80');
  assert.deepEqual(decodeHeaderValue('Euro%20%E2%82%AC%20%F0%9F%98%80'), { ok: true, value: 'Euro € 😀' });
});

test('header encoding - space, double quote, percent and non-printables are encoded; the rest kept', () => {
  assert.equal(encodeHeaderValue('a b"c%d'), 'a%20b%22c%25d');
  assert.equal(encodeHeaderValue('/mycontext?x=1&y=~'), '/mycontext?x=1&y=~');
  assert.equal(encodeHeaderValue('\u007F\u0085'), '%7F%C2%85');
});

test('header decoding - accepts lower-case hex, unnecessary escapes, quoted strings and OWS', () => {
  const cases: Array<[string, string]> = [
    ['%e2%82%ac', '€'],
    ['%41%42', 'AB'],
    ['  padded\t', 'padded'],
    ['"a b \\"q\\""', 'a b "q"'],
    ['"%20"', ' '],
    ['plain', 'plain'],
    ['', ''],
  ];
  for (const [raw, value] of cases) assert.deepEqual(decodeHeaderValue(raw), { ok: true, value }, raw);
});

test('header decoding - refuses CR/LF/NUL, raw non-ASCII, broken escapes and invalid UTF-8', () => {
  const cases: Array<[string, RegExp]> = [
    ['a\r\nb', /CR, LF or NUL/],
    ['a\nb', /CR, LF or NUL/],
    ['a\0', /CR, LF or NUL/],
    ['é', /non-ASCII/],
    ['\u0001', /control/],
    ['%', /broken percent/],
    ['%2', /broken percent/],
    ['%zz', /broken percent/],
    ['%C0%A0', /not valid UTF-8/],
    ['%ED%A0%80', /not valid UTF-8/],
    ['%FF', /not valid UTF-8/],
    ['%E2%82', /not valid UTF-8/],
    ['"unterminated', /quoted-string/],
    ['"a"b"', /quoted-string/],
  ];
  for (const [raw, reason] of cases) {
    const r = decodeHeaderValue(raw);
    assert.ok(!r.ok, JSON.stringify(raw));
    assert.match(r.reason, reason, JSON.stringify(raw));
  }
});

test('header encoding - decode(encode(s)) = s for any well-formed string, and the encoding is printable ASCII', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      const e = encodeHeaderValue(s);
      assert.match(e, /^[\x21-\x7E]*$/);
      assert.deepEqual(decodeHeaderValue(e), { ok: true, value: s });
    }),
  );
});
