import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent } from '../../events/index.js';
import { groupKey } from './group-key.js';

const ev = createEvent({
  id: 'e1', source: 'urn:shop', type: 'order.created', subject: 'orders/42', time: '2026-01-01T00:00:00Z',
  dataschema: 'https://schemas.example/order', datacontenttype: 'application/json', extensions: { partitionkey: 'customer-7', tenant: 'acme', priority: 3, vip: true },
  data: { kind: 'json', value: { n: 1 } },
});
const bare = createEvent({ id: 'e2', source: 'urn:shop', type: 'order.created' });

test('group key - partitionkey and other extensions group by their value (as text)', () => {
  assert.equal(groupKey(ev, 'partitionkey'), 'customer-7');
  assert.equal(groupKey(ev, 'tenant'), 'acme');
  assert.equal(groupKey(ev, 'priority'), '3');
  assert.equal(groupKey(ev, 'vip'), 'true');
});

test('group key - context attributes group by their value', () => {
  assert.equal(groupKey(ev, 'subject'), 'orders/42');
  assert.equal(groupKey(ev, 'source'), 'urn:shop');
  assert.equal(groupKey(ev, 'type'), 'order.created');
  assert.equal(groupKey(ev, 'id'), 'e1');
  assert.equal(groupKey(ev, 'time'), '2026-01-01T00:00:00Z');
  assert.equal(groupKey(ev, 'dataschema'), 'https://schemas.example/order');
  assert.equal(groupKey(ev, 'datacontenttype'), 'application/json');
  assert.equal(groupKey(ev, 'specversion'), '1.0');
});

test('group key - events without the attribute share the group ""', () => {
  assert.equal(groupKey(bare, 'partitionkey'), '');
  assert.equal(groupKey(bare, 'subject'), '');
  assert.equal(groupKey(bare, 'time'), '');
  assert.equal(groupKey(bare, 'nosuchext'), '');
});
