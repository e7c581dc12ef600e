import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOtlpProto } from '../../../test/_otlp-decode.js';
import { newSpanBatch } from './span-batch.js';
import type { SpanRecord } from './span-json.js';

const HEAD = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: undefined, startMs: 1_700_000_000_000, endMs: 1_700_000_000_001 };

test('span batch - a span whose writing throws half-way leaves nothing of itself in the batch, in both encodings', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    const batch = newSpanBatch(protocol, 4);
    batch.match(HEAD, 'b', 1, 'e1', 's', 't', 'r');
    // The head and one attribute are written before the second attribute's getter throws.
    const attributes = { ok: 'yes', get boom(): string { throw new Error('no value'); } };
    const bad: SpanRecord = { ...HEAD, name: 'bad', kind: 1, attributes };
    assert.throws(() => batch.span(bad), /no value/);
    batch.ingest(HEAD, '/v1/events', 200, undefined, undefined);
    assert.equal(batch.count, 2);
    const { body } = batch.body('svc');
    const decoded = (protocol === 'http/protobuf' ? decodeOtlpProto(body as Buffer) : JSON.parse(body as string)) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
    assert.deepEqual(decoded.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name), ['match b', 'send'], protocol);
  }
});

test('span batch - more spans than the batch was sized for still encode whole', () => {
  const batch = newSpanBatch('http/protobuf', 1);
  for (let i = 0; i < 200; i++) batch.deliver(HEAD, 'b', 'r', 't', i, i, `e${i}`, 204, undefined);
  const decoded = decodeOtlpProto(batch.body('svc').body as Buffer) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
  assert.equal(decoded.resourceSpans[0]!.scopeSpans[0]!.spans.length, 200);
});
