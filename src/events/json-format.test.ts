import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSwitchyardError } from '../core/index.js';
import { cloudEvent } from '../../test/events/arbitraries.js';
import { createEvent } from './create.js';
import { decodeHttpRequest } from './http-decode.js';
import { parseStoredEvent, serializeEvent, toJsonFormat } from './json-format.js';

const limits = { maxEventBytes: 1e9, maxBatchEvents: 1000 };

test('json format - serializeEvent emits data from its text, so big integers survive', () => {
  const ev = createEvent({ id: '1', source: '/s', type: 't', subject: 'x', extensions: { n: 5, b: true }, data: { kind: 'json', text: '{"id": 9007199254740993}' } });
  assert.equal(serializeEvent(ev), '{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":"x","n":5,"b":true,"data":{"id": 9007199254740993}}');
  assert.deepEqual(toJsonFormat(ev), { specversion: '1.0', id: '1', source: '/s', type: 't', subject: 'x', n: 5, b: true, data: { id: 9007199254740992 } });
});

test('json format - text data is a JSON string, binary data is data_base64', () => {
  const text = createEvent({ id: '1', source: '/s', type: 't', datacontenttype: 'application/xml', data: { kind: 'text', text: '<a x="1"/>' } });
  assert.equal(serializeEvent(text), '{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/xml","data":"<a x=\\"1\\"/>"}');
  const bin = createEvent({ id: '1', source: '/s', type: 't', data: { kind: 'binary', bytes: new Uint8Array([0x4d, 0x61]) } });
  assert.equal(serializeEvent(bin), '{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"TWE="}');
  assert.deepEqual(toJsonFormat(bin)['data_base64'], 'TWE=');
});

test('json format - a string attribute containing ,"data": does not confuse parseStoredEvent', () => {
  const ev = createEvent({ id: ',"data":1}', source: '/s', type: 't', extensions: { x: '\\",\\"data\\":' }, data: { kind: 'json', text: '{"data":{"data":2}}' } });
  assert.deepEqual(parseStoredEvent(serializeEvent(ev)), ev);
});

test('json format - parseStoredEvent refuses text it did not write', () => {
  for (const t of ['not json', '[]', '{"id":"1"}']) {
    assert.throws(() => parseStoredEvent(t), (e) => isSwitchyardError(e) && e.code === 'SWY_EVENT_STORED_CORRUPT');
  }
});

test('json format - property: parseStoredEvent(serializeEvent(ev)) equals ev', () => {
  fc.assert(fc.property(cloudEvent, (ev) => assert.deepEqual(parseStoredEvent(serializeEvent(ev)), ev)), { numRuns: 300 });
});

test('json format - property: serialized events decode in structured mode to themselves', () => {
  fc.assert(
    fc.property(cloudEvent, (ev) => {
      const body = Buffer.from(serializeEvent(ev));
      const r = decodeHttpRequest({ contentType: 'application/cloudevents+json', headers: {}, body }, limits);
      assert.deepEqual(r.events, [ev]);
    }),
    { numRuns: 300 },
  );
});
