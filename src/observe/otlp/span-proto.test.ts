import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOtlpProto } from '../../../test/_otlp-decode.js';
import { deliverSpanJson, ingestSpanJson, matchSpanJson, otlpBodyOf, spanJson, type SpanRecord } from './span-json.js';
import { deliverSpanProto, ingestSpanProto, matchSpanProto, otlpProtoBody, ProtoWriter, spanProto } from './span-proto.js';

const HEAD = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: 'b7ad6b7169203331', startMs: 1_700_000_000_123.456, endMs: 1_700_000_000_124.5 };
// Short and long (one-, two- and three-byte lengths), multi-byte UTF-8, control characters.
const STRINGS = ['', 'plain', 'q"uote\\', 'ünïcödé ✓ 𝄞', 'line\nbreak\u0000', 'x'.repeat(127), 'y'.repeat(200), 'é'.repeat(100), 'z'.repeat(20_000)];

/** Encodes spans both ways and checks the protobuf decodes (protobufjs) to what the JSON says. */
function same(service: string, proto: (w: ProtoWriter) => void, json: string[]): void {
  const w = new ProtoWriter(16); // tiny start: every write grows the buffer at least once
  proto(w);
  const decoded = decodeOtlpProto(otlpProtoBody(service, w));
  assert.deepEqual(decoded, JSON.parse(otlpBodyOf(service, json)));
}

test('span-proto - the pipeline spans decode (protobufjs) to the same content as their JSON form', () => {
  for (const v of STRINGS) {
    same(v || 'svc', (w) => {
      ingestSpanProto(w, HEAD, '/v1/buses/:bus/events', 202, v, undefined);
      ingestSpanProto(w, { ...HEAD, parentSpanId: undefined }, '/v1/events', 500, undefined, `HTTP 500 ${v}`);
      matchSpanProto(w, HEAD, 'bus', 2 ** 40, v, `${v}s`, `${v}t`, 'r1,r2');
      deliverSpanProto(w, HEAD, 'b', 'r', v, 7, 0, v, 200, undefined);
      deliverSpanProto(w, HEAD, 'b', 'r', 't', Number.MAX_SAFE_INTEGER, 1, 'e', null, v || 'timeout');
    }, [
      ingestSpanJson(HEAD, '/v1/buses/:bus/events', 202, v, undefined),
      ingestSpanJson({ ...HEAD, parentSpanId: undefined }, '/v1/events', 500, undefined, `HTTP 500 ${v}`),
      matchSpanJson(HEAD, 'bus', 2 ** 40, v, `${v}s`, `${v}t`, 'r1,r2'),
      deliverSpanJson(HEAD, 'b', 'r', v, 7, 0, v, 200, undefined),
      deliverSpanJson(HEAD, 'b', 'r', 't', Number.MAX_SAFE_INTEGER, 1, 'e', null, v || 'timeout'),
    ]);
  }
});

test('span-proto - any span: string, integer, boolean and double attributes, error status, times', () => {
  const spans: SpanRecord[] = [
    { ...HEAD, name: 'custom ✓', kind: 5, attributes: { s: 'v', i: 42, big: 2 ** 52, yes: true, no: false, d: 0.25, neg: -3.5 }, error: 'bad "thing"' },
    { ...HEAD, parentSpanId: undefined, name: 'n', kind: 1, startMs: 0, endMs: 1.5, attributes: {} },
  ];
  same('svc', (w) => spans.forEach((s) => spanProto(w, s)), spans.map(spanJson));
});

test('span-proto - an empty batch is a valid request with the resource and scope', () => {
  const decoded = decodeOtlpProto(otlpProtoBody('svc', new ProtoWriter()));
  assert.deepEqual(decoded, { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 'switchyard' }, spans: [] }] }] });
});

test('span-proto - repeated attribute values (written from the per-key caches) and more distinct values than a cache holds decode like their JSON form', () => {
  const values = [...STRINGS.slice(0, 8), ...Array.from({ length: 300 }, (_, i) => `value-${i}-ü`)];
  for (let pass = 0; pass < 2; pass++) {
    same('svc', (w) => {
      for (const v of values) {
        matchSpanProto(w, HEAD, v, 1, 'id', v, v, v);
        deliverSpanProto(w, HEAD, v, v, v, 1, 2, 'id', 204, undefined);
        ingestSpanProto(w, HEAD, v, 202, v, undefined);
      }
    }, values.flatMap((v) => [
      matchSpanJson(HEAD, v, 1, 'id', v, v, v),
      deliverSpanJson(HEAD, v, v, v, 1, 2, 'id', 204, undefined),
      ingestSpanJson(HEAD, v, 202, v, undefined),
    ]));
  }
});

test('span-proto - a head without ids gets fresh random ones: 16-byte trace and 8-byte span ids, never all zero, distinct per span', () => {
  const w = new ProtoWriter(16);
  const n = 400; // past one refill of the random pool
  for (let i = 0; i < n; i++) ingestSpanProto(w, { ...HEAD, traceId: undefined, spanId: undefined, parentSpanId: undefined }, '/r', 202, 'b', undefined);
  matchSpanProto(w, { ...HEAD, spanId: undefined }, 'b', 1, 'id', 's', 't', '');
  const spans = decodeOtlpProto(otlpProtoBody('svc', w)).resourceSpans[0]!.scopeSpans[0]!.spans;
  assert.equal(spans.length, n + 1);
  for (const s of spans) {
    assert.match(s.traceId, /^[0-9a-f]{32}$/);
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(s.traceId, '0'.repeat(32));
    assert.notEqual(s.spanId, '0'.repeat(16));
  }
  assert.equal(new Set(spans.map((s) => s.spanId)).size, n + 1);
  assert.equal(new Set(spans.slice(0, n).map((s) => s.traceId)).size, n);
  // A given trace id is kept as it is.
  assert.equal(spans[n]!.traceId, HEAD.traceId);
  assert.equal(spans[n]!.parentSpanId, HEAD.parentSpanId);
});

test('span-proto - integers of any size (varints) and times (fixed64 nanoseconds) decode like their JSON form', () => {
  fc.assert(fc.property(
    fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 + 5 }), fc.maxSafeNat()),
    fc.oneof(fc.constant(0), fc.double({ min: 0, max: 4e12, noNaN: true }), fc.integer({ min: 0, max: 4e12 }).map((n) => n + 0.001)),
    fc.double({ min: 0, max: 1e5, noNaN: true }),
    (n, startMs, durationMs) => {
      const h = { ...HEAD, startMs, endMs: startMs + durationMs };
      same('svc', (w) => {
        matchSpanProto(w, h, 'b', n, 'id', 's', 't', 'r');
        deliverSpanProto(w, h, 'b', 'r', 't', n, n, 'e', n % 600, undefined);
      }, [matchSpanJson(h, 'b', n, 'id', 's', 't', 'r'), deliverSpanJson(h, 'b', 'r', 't', n, n, 'e', n % 600, undefined)]);
    },
  ), { numRuns: 300 });
});
