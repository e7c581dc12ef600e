import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompatibility } from './compatibility.js';

const v1 = { type: 'object', properties: { id: { type: 'string' }, amount: { type: 'integer' } }, required: ['id', 'amount'] };
const withoutAmount = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

test('compatibility - a removed required field breaks FORWARD and FULL, not BACKWARD', () => {
  assert.deepEqual(checkCompatibility('BACKWARD', v1, withoutAmount), []);
  const forward = checkCompatibility('FORWARD', v1, withoutAmount);
  assert.ok(forward.some((b) => b.path === '/required' && b.direction === 'forward' && b.reason.includes('"amount"')), JSON.stringify(forward));
  assert.ok(checkCompatibility('FULL', v1, withoutAmount).some((b) => b.reason.includes('"amount" is required by the reader')));
  assert.deepEqual(checkCompatibility('NONE', v1, withoutAmount), []);
});

test('compatibility - a new required field breaks BACKWARD', () => {
  const v2 = { ...v1, properties: { ...v1.properties, currency: { type: 'string' } }, required: ['id', 'amount', 'currency'] };
  const b = checkCompatibility('BACKWARD', v1, v2);
  assert.ok(b.some((x) => x.path === '/required' && x.reason.includes('"currency"')));
});

test('compatibility - widening integer to number is backward compatible; narrowing is not', () => {
  const wide = { ...v1, properties: { ...v1.properties, amount: { type: 'number' } } };
  assert.deepEqual(checkCompatibility('BACKWARD', v1, wide), []);
  assert.deepEqual(checkCompatibility('BACKWARD', wide, v1).map((x) => x.path), ['/properties/amount/type']);
});

test('compatibility - enums: adding a value is backward, removing one is not', () => {
  const a = { type: 'string', enum: ['a', 'b'] };
  const ab = { type: 'string', enum: ['a', 'b', 'c'] };
  assert.deepEqual(checkCompatibility('BACKWARD', a, ab), []);
  assert.equal(checkCompatibility('BACKWARD', ab, a)[0]?.reason, 'value "c" is no longer accepted');
});

test('compatibility - closed content models: an optional field added to a closed schema is backward only', () => {
  const closed = { ...v1, additionalProperties: false };
  const more = { ...closed, properties: { ...closed.properties, note: { type: 'string' } } };
  assert.deepEqual(checkCompatibility('BACKWARD', closed, more), []);
  assert.deepEqual(checkCompatibility('FORWARD', closed, more).map((b) => b.path), ['/properties/note']);
  // In an open schema the old writer may already put anything under "note".
  const openMore = { ...v1, properties: { ...v1.properties, note: { type: 'string' } } };
  assert.ok(checkCompatibility('BACKWARD', v1, openMore).some((b) => b.reason.includes('open content model')));
});

test('compatibility - items, bounds and unknown keywords', () => {
  assert.deepEqual(checkCompatibility('BACKWARD', { type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }).map((b) => b.path), ['/items/type']);
  assert.deepEqual(checkCompatibility('BACKWARD', { type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }).map((b) => b.path), ['/maxLength']);
  assert.deepEqual(checkCompatibility('BACKWARD', { type: 'string', maxLength: 5 }, { type: 'string', maxLength: 10 }), []);
  assert.deepEqual(checkCompatibility('BACKWARD', { oneOf: [{ type: 'string' }] }, { oneOf: [{ type: 'integer' }] }).map((b) => b.path), ['/oneOf']);
  assert.deepEqual(checkCompatibility('FULL', { title: 'a', oneOf: [{ type: 'string' }] }, { title: 'b', oneOf: [{ type: 'string' }] }), []);
});
