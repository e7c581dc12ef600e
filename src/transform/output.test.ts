import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError, type JsonObject } from '../core/index.js';
import { compileTransform } from './compile.js';
import { applyToEvent, applyToEventText } from './output.js';
import { testTransform } from './test-transform.js';
import { CTX, EVENT } from './fixtures.test-util.js';

const attrs = (e: JsonObject): JsonObject => Object.fromEntries(Object.entries(e).filter(([k]) => !['data', 'datacontenttype', 'dataschema'].includes(k)));

test('output - as CloudEvent data: attributes kept, data replaced, content type set, dataschema dropped', () => {
  const t = compileTransform({ type: 'template', variables: { id: '$.data.order.id' }, template: '{"orderId": ${id}}' });
  const e = applyToEvent(EVENT, t.run(EVENT, CTX));
  assert.deepEqual(attrs(e), attrs(EVENT));
  assert.equal(e.datacontenttype, 'application/json');
  assert.equal('dataschema' in e, false);
  assert.deepEqual(e.data, { orderId: 7 });
});

test('output - a text output becomes string data with a text/plain content type', () => {
  const t = compileTransform({ type: 'template', variables: { id: '$.data.order.id' }, template: 'order ${id}' });
  const e = applyToEvent(EVENT, t.run(EVENT, CTX));
  assert.equal(e.data, 'order 7');
  assert.equal(e.datacontenttype, 'text/plain; charset=utf-8');
});

test('output - a complete output is the event itself, not nested', () => {
  const t = compileTransform({ type: 'complete' });
  assert.equal(applyToEvent(EVENT, t.run(EVENT, CTX)), EVENT);
  assert.deepEqual(JSON.parse(applyToEventText(EVENT, t.run(EVENT, CTX))), EVENT);
});

test('output - applyToEventText equals JSON.stringify(applyToEvent) for every format', () => {
  const specs = [
    { type: 'partial', path: '$.data.order.customer' },
    { type: 'constant', value: 'hello "x"' },
    { type: 'constant', value: [1, 2] },
    { type: 'template', variables: { n: '$.data.order.customer.name' }, template: '{"n": "${n}"}' },
    { type: 'template', variables: { n: '$.data.order.customer.name' }, template: 'n=${n}' },
  ];
  for (const spec of specs) {
    const out = compileTransform(spec).run(EVENT, CTX);
    assert.deepEqual(JSON.parse(applyToEventText(EVENT, out)), applyToEvent(EVENT, out));
  }
});

test('output - data_base64 is dropped when the output replaces the data', () => {
  const binary: JsonObject = { specversion: '1.0', id: 'b', source: 's', type: 't', data_base64: 'AAEC' };
  const e = applyToEvent(binary, compileTransform({ type: 'constant', value: { ok: true } }).run(binary, CTX));
  assert.equal('data_base64' in e, false);
  assert.deepEqual(e.data, { ok: true });
});

test('testTransform - returns the parsed output and the content type', () => {
  assert.deepEqual(testTransform({ type: 'partial', path: '$.data.order.lines[0]' }, EVENT), { output: { sku: 'a-1', qty: 1 }, contentType: 'application/json' });
  assert.deepEqual(testTransform({ type: 'template', template: '${switchyard.rule-name}@${switchyard.ingestion-time}' }, EVENT, CTX), {
    output: 'orders-to-slack@2024-05-01T10:00:01.250Z',
    contentType: 'text/plain; charset=utf-8',
  });
});

test('testTransform - a bad transformer is SWY_TRANSFORM_INVALID with violations under /transform', () => {
  assert.throws(() => testTransform({ type: 'partial', path: 'x' }, EVENT), (e) => isSwitchyardError(e) && e.code === 'SWY_TRANSFORM_INVALID' && e.violations[0]?.path === '/transform/path');
});

test('testTransform - an event that is not a JSON object is SWY_TRANSFORM_TEST_EVENT at /event', () => {
  for (const bad of [null, 'x', [1], 3, undefined]) {
    assert.throws(() => testTransform({ type: 'complete' }, bad), (e) => isSwitchyardError(e) && e.code === 'SWY_TRANSFORM_TEST_EVENT' && e.status === 400 && e.violations[0]?.path === '/event');
  }
});
