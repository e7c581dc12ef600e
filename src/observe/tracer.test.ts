import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppendItem, AppendOutcome } from '../store/index.js';
import type { OtlpExporter } from './otlp/index.js';
import { deliverSpanJson, ingestSpanJson, matchSpanJson, otlpBody, spanJson, type SpanRecord } from './otlp/span-json.js';
import { Tracer } from './tracer.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function item(id: string, extra: Partial<AppendItem> = {}, ext: Record<string, string> = {}): AppendItem {
  const body = JSON.stringify({ specversion: '1.0', id, source: 's', type: 't', ...ext });
  return { bus: 'b', id, source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'batch', matchedRules: ['r1'], ...extra };
}

type AnyValue = { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };

/** A span written as OTLP JSON text, read back into a record (the exporter only ever sees the text). */
function fromJson(text: string): SpanRecord {
  const j = JSON.parse(text) as {
    traceId: string; spanId: string; parentSpanId?: string; name: string; kind: SpanRecord['kind']; startTimeUnixNano: string; endTimeUnixNano: string;
    attributes: { key: string; value: AnyValue }[]; status: { code: number; message?: string };
  };
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of j.attributes) attributes[key] = value.intValue !== undefined ? Number(value.intValue) : (value.stringValue ?? value.boolValue ?? value.doubleValue)!;
  return {
    traceId: j.traceId, spanId: j.spanId, parentSpanId: j.parentSpanId, name: j.name, kind: j.kind,
    startMs: Number(j.startTimeUnixNano) / 1e6, endMs: Number(j.endTimeUnixNano) / 1e6, attributes, error: j.status.message,
  };
}

function recorder(): { tracer: Tracer; spans: SpanRecord[] } {
  const spans: SpanRecord[] = [];
  // The JSON writers stand in for the exporter's batch: each span is encoded, then read back.
  const exporter = {
    add: (s: SpanRecord) => spans.push(fromJson(spanJson(s))),
    ingest: (...a: Parameters<typeof ingestSpanJson>) => spans.push(fromJson(ingestSpanJson(...a))),
    match: (...a: Parameters<typeof matchSpanJson>) => spans.push(fromJson(matchSpanJson(...a))),
    deliver: (...a: Parameters<typeof deliverSpanJson>) => spans.push(fromJson(deliverSpanJson(...a))),
  };
  return { tracer: new Tracer(exporter as unknown as OtlpExporter, () => 1000), spans };
}

test('tracer - the events of one put sharing its traceparent get one match span with their count and range', () => {
  const { tracer, spans } = recorder();
  const items = [item('1', { traceparent: TP }), item('2', { traceparent: TP, matchedRules: ['r2'] }), item('3', { traceparent: TP })];
  const outcomes: AppendOutcome[] = [{ type: 'stored', sequence: 7, receivedAt: 0 }, { type: 'duplicate', sequence: 3, receivedAt: 0 }, { type: 'stored', sequence: 8, receivedAt: 0 }];
  tracer.appended(items, outcomes, performance.now());
  assert.equal(spans.length, 1);
  const s = spans[0]!;
  assert.equal(s.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(s.parentSpanId, '00f067aa0ba902b7');
  assert.deepEqual(s.attributes, { 'messaging.system': 'switchyard', 'messaging.operation.type': 'process', 'messaging.operation.name': 'match', 'messaging.destination.name': 'b', 'messaging.batch.message_count': 2, 'switchyard.bus': 'b', 'switchyard.events': 2, 'switchyard.first_sequence': 7, 'switchyard.last_sequence': 8, 'switchyard.rules': 'r1' });
});

test('tracer - a put to several buses sharing one traceparent gets one match span per bus, whatever the order of its entries', () => {
  const { tracer, spans } = recorder();
  const items = [item('1', { traceparent: TP }), item('2', { traceparent: TP, bus: 'c' }), item('3', { traceparent: TP }), item('4', { traceparent: TP, bus: 'c' }), item('5', { traceparent: TP })];
  tracer.appended(items, [11, 21, 12, 22, 13].map((n): AppendOutcome => ({ type: 'stored', sequence: n, receivedAt: 0 })), performance.now());
  assert.deepEqual(spans.map((s) => s.attributes).sort((x, y) => String(x['switchyard.bus']).localeCompare(String(y['switchyard.bus']))), [
    { 'messaging.system': 'switchyard', 'messaging.operation.type': 'process', 'messaging.operation.name': 'match', 'messaging.destination.name': 'b', 'messaging.batch.message_count': 3, 'switchyard.bus': 'b', 'switchyard.events': 3, 'switchyard.first_sequence': 11, 'switchyard.last_sequence': 13, 'switchyard.rules': 'r1' },
    { 'messaging.system': 'switchyard', 'messaging.operation.type': 'process', 'messaging.operation.name': 'match', 'messaging.destination.name': 'c', 'messaging.batch.message_count': 2, 'switchyard.bus': 'c', 'switchyard.events': 2, 'switchyard.first_sequence': 21, 'switchyard.last_sequence': 22, 'switchyard.rules': 'r1' },
  ]);
  assert.ok(spans.every((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736'));
});

test('tracer - a single put gets one match span naming its event, in the trace of its header or its extension', () => {
  const { tracer, spans } = recorder();
  const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const stored = (n: number): AppendOutcome[] => [{ type: 'stored', sequence: n, receivedAt: 0 }];
  tracer.appended([item('a', { traceparent: TP, matchedRules: ['r1', 'r2'] })], stored(4), performance.now());
  tracer.appended([item('b', {}, { traceparent: own })], stored(5), performance.now());
  tracer.appended([item('c')], stored(6), performance.now());
  tracer.appended([item('d', { traceparent: TP })], [{ type: 'duplicate', sequence: 4, receivedAt: 0 }], performance.now());
  assert.equal(spans.length, 3, 'a duplicate gets no match span');
  const [a, b, c] = spans;
  assert.deepEqual(a!.attributes, {
    'messaging.system': 'switchyard', 'messaging.operation.type': 'process', 'messaging.operation.name': 'match', 'messaging.destination.name': 'b', 'messaging.message.id': 'a',
    'switchyard.bus': 'b', 'switchyard.sequence': 4, 'cloudevents.event_id': 'a', 'cloudevents.event_source': 's', 'cloudevents.event_type': 't', 'switchyard.rules': 'r1,r2',
  });
  assert.equal(a!.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(a!.parentSpanId, '00f067aa0ba902b7');
  assert.equal(b!.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(b!.parentSpanId, 'b7ad6b7169203331');
  assert.equal(c!.parentSpanId, undefined);
  assert.match(c!.traceId, /^[0-9a-f]{32}$/);
  assert.equal(a!.name, 'match b');
});

test('tracer - an event with a traceparent extension of its own gets a span in its own trace', () => {
  const { tracer, spans } = recorder();
  const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  tracer.appended([item('1'), item('2', {}, { traceparent: own }), item('3')], [1, 2, 3].map((n): AppendOutcome => ({ type: 'stored', sequence: n, receivedAt: 0 })), performance.now());
  assert.equal(spans.length, 2);
  const mine = spans.find((s) => s.traceId === '0af7651916cd43dd8448eb211c80319c')!;
  assert.equal(mine.attributes['cloudevents.event_id'], '2');
  const rest = spans.find((s) => s !== mine)!;
  assert.equal(rest.parentSpanId, undefined, 'no trace context: a root span');
  assert.equal(rest.attributes['switchyard.events'], 2);
});

test('tracer - a producer trace that is not sampled (flags 00) gets no spans', () => {
  const { tracer, spans } = recorder();
  const unsampled = TP.replace(/-01$/, '-00');
  tracer.appended([item('1', { traceparent: unsampled })], [{ type: 'stored', sequence: 1, receivedAt: 0 }], performance.now());
  tracer.ingest(unsampled, 0, 1, '/v1/events', 200, undefined);
  tracer.deliverAttempt({ traceparent: unsampled, header: unsampled }, { bus: 'b', rule: 'r', target: 't' }, { id: '1', eventId: '1', sequence: 1 }, 0, 1, 200);
  assert.deepEqual(spans, []);
  tracer.ingest(TP, 0, 1, '/v1/events', 200, undefined);
  assert.equal(spans.length, 1);
});

test('otlp - the body is an ExportTraceServiceRequest in protobuf-JSON form', () => {
  const body = JSON.parse(otlpBody('svc "x"', [{
    traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'n', kind: 3, startMs: 1.5, endMs: 2,
    attributes: { s: 'q"uote', i: 42, d: 0.5, b: true, nan: Number.NaN }, error: 'bad "thing"',
  }])) as { resourceSpans: [{ resource: { attributes: unknown[] }; scopeSpans: [{ spans: Record<string, unknown>[] }] }] };
  assert.deepEqual(body.resourceSpans[0].resource.attributes, [{ key: 'service.name', value: { stringValue: 'svc "x"' } }]);
  const span = body.resourceSpans[0].scopeSpans[0].spans[0]!;
  assert.equal(span['startTimeUnixNano'], '1500000');
  assert.equal(span['endTimeUnixNano'], '2000000');
  assert.equal(span['parentSpanId'], undefined);
  assert.deepEqual(span['status'], { code: 2, message: 'bad "thing"' });
  assert.deepEqual(span['attributes'], [
    { key: 's', value: { stringValue: 'q"uote' } }, { key: 'i', value: { intValue: '42' } }, { key: 'd', value: { doubleValue: 0.5 } },
    { key: 'b', value: { boolValue: true } }, { key: 'nan', value: { stringValue: 'NaN' } },
  ]);
});
