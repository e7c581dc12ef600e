import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppendItem, AppendOutcome } from '../store/index.js';
import { otlpBody, type OtlpExporter, type SpanRecord } from './otlp-exporter.js';
import { Tracer } from './tracer.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function item(id: string, extra: Partial<AppendItem> = {}, ext: Record<string, string> = {}): AppendItem {
  const body = JSON.stringify({ specversion: '1.0', id, source: 's', type: 't', ...ext });
  return { bus: 'b', id, source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'batch', matchedRules: ['r1'], ...extra };
}

function recorder(): { tracer: Tracer; spans: SpanRecord[] } {
  const spans: SpanRecord[] = [];
  return { tracer: new Tracer({ add: (s: SpanRecord) => spans.push(s) } as unknown as OtlpExporter, () => 1000), spans };
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
  assert.deepEqual(s.attributes, { 'switchyard.bus': 'b', 'switchyard.events': 2, 'switchyard.first_sequence': 7, 'switchyard.last_sequence': 8, 'switchyard.rules': 'r1' });
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
  tracer.start('switchyard.ingest', 2, unsampled, {}).end();
  tracer.deliverAttempt({ traceparent: unsampled, header: unsampled }, { bus: 'b', rule: 'r', target: 't' }, { id: 1, eventId: '1', sequence: 1 }, 0, 1, 200);
  assert.deepEqual(spans, []);
  tracer.start('switchyard.ingest', 2, TP, {}).end();
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
