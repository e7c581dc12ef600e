import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBase64, encodeBase64, isBase64 } from './base64.js';

test('base64 - strict standard alphabet, optional padding', () => {
  for (const s of ['', 'TWE=', 'TWE', 'TWFu', 'TQ==', 'TQ', 'eyAieHl6IjogMTIzIH0=']) assert.ok(isBase64(s), s);
  for (const s of ['T', 'TWE==', 'TW=E', 'TW E', 'TWE-', 'TWE_', '!!', '====', 'TQ=', 'TWFu\n']) assert.ok(!isBase64(s), s);
});

test('base64 - decode(encode(bytes)) is the identity', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      const s = encodeBase64(b);
      assert.ok(isBase64(s));
      assert.deepEqual(Buffer.from(decodeBase64(s)), Buffer.from(b));
    }),
  );
});
