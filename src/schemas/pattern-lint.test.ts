import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintDataPaths } from './pattern-lint.js';

const schema = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    customer: { type: 'object', properties: { email: { type: 'string' } }, additionalProperties: false },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
    meta: { type: 'object' },
  },
};

test('pattern lint - a data path the schema does not declare is a warning', () => {
  assert.deepEqual(lintDataPaths(['data.ammount', 'data.amount', 'type'], schema, 'order 1').map((w) => w.path), ['data.ammount']);
});

test('pattern lint - nested objects, arrays and scalars are walked', () => {
  assert.deepEqual(lintDataPaths(['data.customer.email', 'data.lines.sku', 'data.meta.anything'], schema, 'order 1'), []);
  assert.deepEqual(lintDataPaths(['data.customer.mail', 'data.lines.skus', 'data.amount.value'], schema, 'order 1').map((w) => w.path), ['data.customer.mail', 'data.lines.skus', 'data.amount.value']);
});

test('pattern lint - explicit open objects and $ref stay quiet', () => {
  assert.deepEqual(lintDataPaths(['data.x'], { type: 'object', properties: { a: {} }, additionalProperties: true }, 's'), []);
  assert.deepEqual(lintDataPaths(['data.x'], { $ref: '#/$defs/a' }, 's'), []);
  assert.deepEqual(lintDataPaths(['data.x'], { anyOf: [{ type: 'object', properties: { x: {} } }, { type: 'string' }] }, 's'), []);
});
