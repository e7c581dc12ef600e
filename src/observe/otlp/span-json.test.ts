import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverSpanJson, ingestSpanJson, matchSpanJson, nanos, quote, spanJson } from './span-json.js';

const HEAD = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), startMs: 1_700_000_000_123.456, endMs: 1_700_000_000_124 };
const HOSTILE = ['plain', 'q"uote', 'back\\slash', 'line\nbreak', 'tab\tand\u0000nul', 'ünïcödé ✓', '\u2028sep', '</script>', ''];

test('span-json - quote gives the same JSON string literal as JSON.stringify for every input', () => {
  for (const v of [...HOSTILE, 'a.b:c/d@e+f=g,h-i j']) assert.equal(quote(v), JSON.stringify(v));
});

test('span-json - nanos are whole nanoseconds since the epoch, as decimal text', () => {
  assert.equal(nanos(0), '0');
  assert.equal(nanos(1.5), '1500000');
  assert.equal(nanos(1_700_000_000_123.456), '1700000000123456000');
});

test('span-json - the ingest, match and deliver templates write the same span as the generic writer', () => {
  for (const v of HOSTILE) {
    assert.deepEqual(JSON.parse(ingestSpanJson(HEAD, '/v1/buses/:bus/events', 400, v, 'HTTP 400')), JSON.parse(spanJson({
      ...HEAD, name: `send ${v}`, kind: 2, error: 'HTTP 400',
      attributes: {
        'messaging.system': 'switchyard', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send',
        'http.request.method': 'POST', 'http.route': '/v1/buses/:bus/events', 'http.response.status_code': 400, 'messaging.destination.name': v, 'switchyard.bus': v, 'error.type': '400',
      },
    })));
    assert.deepEqual(JSON.parse(matchSpanJson({ ...HEAD, parentSpanId: undefined }, 'bus', 7, v, `${v}src`, `${v}type`, 'r1,r2')), JSON.parse(spanJson({
      ...HEAD, parentSpanId: undefined, name: 'match bus', kind: 1,
      attributes: {
        'messaging.system': 'switchyard', 'messaging.operation.type': 'process', 'messaging.operation.name': 'match', 'messaging.destination.name': 'bus', 'messaging.message.id': v,
        'switchyard.bus': 'bus', 'switchyard.sequence': 7, 'cloudevents.event_id': v, 'cloudevents.event_source': `${v}src`, 'cloudevents.event_type': `${v}type`, 'switchyard.rules': 'r1,r2',
      },
    })));
    for (const status of [200, null]) {
      assert.deepEqual(JSON.parse(deliverSpanJson(HEAD, 'b', 'r', v, 12, 34, v, status, status === null ? v : undefined)), JSON.parse(spanJson({
        ...HEAD, name: 'deliver b', kind: 3, error: status === null ? v : undefined,
        attributes: {
          'messaging.system': 'switchyard', 'messaging.operation.type': 'send', 'messaging.operation.name': 'deliver',
          'messaging.destination.name': 'b', 'messaging.destination.subscription.name': `r/${v}`, 'messaging.message.id': v,
          ...(status === null ? { 'error.type': '_OTHER' } : {}),
          'switchyard.bus': 'b', 'switchyard.rule': 'r', 'switchyard.target': v, 'switchyard.delivery_id': 12, 'switchyard.sequence': 34, 'cloudevents.event_id': v,
          ...(status === null ? {} : { 'http.response.status_code': status }),
        },
      })));
    }
  }
  const ingest = JSON.parse(ingestSpanJson(HEAD, '/v1/events', 200, undefined, undefined)) as { attributes: { key: string }[]; status: unknown };
  assert.deepEqual(ingest.attributes.map((a) => a.key), [
    'messaging.system', 'messaging.operation.type', 'messaging.operation.name', 'http.request.method', 'http.route', 'http.response.status_code',
  ], 'no destination on PutEvents (its entries may name several buses)');
  assert.equal((JSON.parse(ingestSpanJson(HEAD, '/v1/events', 200, undefined, undefined)) as { name: string }).name, 'send');
  assert.deepEqual(ingest.status, { code: 1 });
});
