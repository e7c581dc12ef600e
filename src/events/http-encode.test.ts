import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cloudEvent } from '../../test/events/arbitraries.js';
import { createEvent } from './create.js';
import { decodeHttpRequest } from './http-decode.js';
import { encodeBatch, encodeBinary, encodeStructured, type EncodedMessage } from './http-encode.js';
import { isJsonMediaType, parseMediaType } from './media-type.js';
import type { CloudEvent, CloudEventData } from './types.js';

const limits = { maxEventBytes: 1e9, maxBatchEvents: 1000 };
const decode = (m: EncodedMessage): ReturnType<typeof decodeHttpRequest> =>
  decodeHttpRequest({ contentType: m.headers['content-type'], headers: m.headers, body: m.body }, limits);

test('http encode - binary mode: percent-encoded ce-* headers, Content-Type from datacontenttype', () => {
  const ev = createEvent({ id: 'a b"%', source: '/s', type: 'tÿpe', time: '2018-04-05T17:31:00Z', extensions: { n: 5, ok: false }, data: { kind: 'json', text: '"I\'m just a string"' } });
  const m = encodeBinary(ev);
  assert.deepEqual(m.headers, {
    'ce-specversion': '1.0',
    'ce-id': 'a%20b%22%25',
    'ce-source': '/s',
    'ce-type': 't%C3%BFpe',
    'ce-time': '2018-04-05T17:31:00Z',
    'ce-n': '5',
    'ce-ok': 'false',
    'content-type': 'application/json',
  });
  assert.equal(m.body.toString(), '"I\'m just a string"');
  const bin = encodeBinary(createEvent({ id: '1', source: '/s', type: 't', data: { kind: 'binary', bytes: new Uint8Array([1]) } }));
  assert.equal(bin.headers['content-type'], undefined);
});

test('http encode - structured and batch carry their media types', () => {
  const ev = createEvent({ id: '1', source: '/s', type: 't' });
  assert.equal(encodeStructured(ev).headers['content-type'], 'application/cloudevents+json; charset=utf-8');
  const b = encodeBatch([ev, ev]);
  assert.equal(b.headers['content-type'], 'application/cloudevents-batch+json; charset=utf-8');
  assert.equal(JSON.parse(b.body.toString()).length, 2);
  assert.equal(encodeBatch([]).body.toString(), '[]');
});

test('http encode - property: structured and batch encodings decode to the same events', () => {
  fc.assert(
    fc.property(fc.array(cloudEvent, { maxLength: 4 }), (evs) => {
      for (const ev of evs) assert.deepEqual(decode(encodeStructured(ev)).events, [ev]);
      assert.deepEqual(decode(encodeBatch(evs)).events, evs);
    }),
    { numRuns: 200 },
  );
});

/**
 * What a binary-mode round trip can keep (documented in docs/events.md): extension values become
 * their canonical strings (no extension type definitions); JSON data without a datacontenttype
 * gets the implied application/json; empty text/bytes are indistinguishable from no data; and the
 * body's media type decides its kind (bytes with a JSON or text type come back as JSON or text).
 */
function binaryEquivalent(ev: CloudEvent): CloudEvent {
  const extensions = Object.fromEntries(Object.entries(ev.extensions).map(([k, v]) => [k, String(v)]));
  let data: CloudEventData = ev.data;
  let datacontenttype = ev.datacontenttype;
  if (data.kind === 'json' && datacontenttype === undefined) datacontenttype = 'application/json';
  if ((data.kind === 'text' && data.text === '') || (data.kind === 'binary' && data.bytes.byteLength === 0)) data = { kind: 'none' };
  const out: { -readonly [K in keyof CloudEvent]: CloudEvent[K] } = { ...ev, extensions, data };
  if (datacontenttype !== undefined) out.datacontenttype = datacontenttype;
  return out;
}

test('http encode - property: binary mode round-trips every event up to the documented equivalence', () => {
  fc.assert(
    fc.property(cloudEvent, (ev) => {
      // A datacontenttype of application/cloudevents… would read as structured mode: not representable.
      fc.pre(!(ev.datacontenttype ?? '').toLowerCase().startsWith('application/cloudevents'));
      const [back] = decode(encodeBinary(ev)).events;
      const want = binaryEquivalent(ev);
      assert.ok(back !== undefined);
      assert.deepEqual({ ...back, data: undefined }, { ...want, data: undefined });
      const mt = want.datacontenttype === undefined ? undefined : parseMediaType(want.datacontenttype);
      // Data is kept byte-exact in every case; its kind follows the media type.
      if (want.data.kind === 'binary' && mt !== undefined && (isJsonMediaType(mt) || back.data.kind === 'text')) {
        assert.deepEqual(Buffer.from(back.data.kind === 'text' ? back.data.text : ''), Buffer.from(want.data.bytes));
      } else {
        assert.deepEqual(back.data.kind === 'binary' ? { kind: 'binary', bytes: new Uint8Array(back.data.bytes) } : back.data, want.data.kind === 'binary' ? { kind: 'binary', bytes: new Uint8Array(want.data.bytes) } : want.data);
      }
      // Re-encoding the decoded event gives the same HTTP message.
      const again = encodeBinary(back);
      assert.deepEqual(again.headers, encodeBinary(want).headers);
      assert.deepEqual(again.body, encodeBinary(ev).body);
    }),
    { numRuns: 300 },
  );
});
