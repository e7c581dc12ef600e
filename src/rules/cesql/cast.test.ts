import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castTo } from './cast.js';

test('cast - Integer to String is base 10 without leading zeros; Boolean to String is true/false', () => {
  assert.deepEqual(castTo(-42, 'String'), { ok: true, value: '-42' });
  assert.deepEqual(castTo(true, 'String'), { ok: true, value: 'true' });
  assert.deepEqual(castTo(false, 'String'), { ok: true, value: 'false' });
});

test('cast - String to Integer accepts an optional sign and base 10 digits within 32 bits', () => {
  assert.deepEqual(castTo('+007', 'Integer'), { ok: true, value: 7 });
  assert.deepEqual(castTo('-2147483648', 'Integer'), { ok: true, value: -2147483648 });
  assert.deepEqual(castTo('-0', 'Integer'), { ok: true, value: 0 });
  for (const bad of ['', ' 1', '1 ', '0x10', '1e3', '1.5', '2147483648', '-2147483649', 'ABC', '+', '١']) {
    const r = castTo(bad, 'Integer');
    assert.equal(r.ok, false, bad);
    assert.equal(r.value, 0, bad);
  }
});

test('cast - String to Boolean is true/false in any case, anything else fails with false', () => {
  assert.deepEqual(castTo('TRUE', 'Boolean'), { ok: true, value: true });
  assert.deepEqual(castTo('fAlSe', 'Boolean'), { ok: true, value: false });
  const r = castTo('yes', 'Boolean');
  assert.equal(r.ok, false);
  assert.equal(r.value, false);
});

test('cast - Integer to Boolean is false only for 0; Boolean to Integer is 1/0', () => {
  assert.deepEqual(castTo(0, 'Boolean'), { ok: true, value: false });
  assert.deepEqual(castTo(-50, 'Boolean'), { ok: true, value: true });
  assert.deepEqual(castTo(true, 'Integer'), { ok: true, value: 1 });
  assert.deepEqual(castTo(false, 'Integer'), { ok: true, value: 0 });
});

test('cast - casting to the same type is the identity', () => {
  assert.deepEqual(castTo('x', 'String'), { ok: true, value: 'x' });
  assert.deepEqual(castTo(5, 'Integer'), { ok: true, value: 5 });
  assert.deepEqual(castTo(true, 'Boolean'), { ok: true, value: true });
});
