// Span export to a real OTLP/HTTP receiver (a node http server on 127.0.0.1 decoding the binary
// protobuf body with protobufjs, or parsing the protobuf-JSON one), in both encodings: ingest, match and deliver spans join the producer's trace, and the
// deliver span is the parent of what the target receives.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { STRUCTURED, call, ce, until } from './_client.js';
import { FAST_RETRY, putRule, startReceiver, untilFinal, type Receiver } from './_delivery-receiver.js';
import { decodeOtlpProto, type ExportRequest, type OtlpSpan, type OtlpValue } from '../_otlp-decode.js';

/** A minimal OTLP/HTTP collector: accepts POST /v1/traces with an ExportTraceServiceRequest, binary or JSON. */
async function startCollector(): Promise<{ url: string; requests: ExportRequest[]; contentTypes: Set<string>; spans: () => OtlpSpan[]; close: () => Promise<void> }> {
  const requests: ExportRequest[] = [];
  const contentTypes = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = req.headers['content-type'];
      if (req.method !== 'POST' || req.url !== '/v1/traces' || (type !== 'application/json' && type !== 'application/x-protobuf')) {
        res.writeHead(400).end();
        return;
      }
      const body = Buffer.concat(chunks);
      requests.push(type === 'application/json' ? JSON.parse(body.toString('utf8')) as ExportRequest : decodeOtlpProto(body));
      contentTypes.add(type);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    contentTypes,
    spans: () => requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attr = (s: OtlpSpan, key: string): OtlpValue | undefined => s.attributes.find((a) => a.key === key)?.value;

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';

for (const protocol of ['http/protobuf', 'http/json'] as const) describe(`observe otlp e2e (${protocol})`, () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let s: TestServer;
  let rx: Receiver;
  before(async () => {
    collector = await startCollector();
    s = await startTestServer({ delivery: { pollIntervalMs: 50 }, observe: { otlpEndpoint: collector.url, otlpProtocol: protocol, otlpFlushIntervalMs: 10, otlpServiceName: 'swy-test' } });
    let failed = false;
    rx = await startReceiver((r) => {
      if (r.headers['ce-id'] !== 'fail-once' || failed) return { status: 200 };
      failed = true;
      return { status: 503 };
    });
    await putRule(s.url, 'default', 'hook', { filter: { pattern: { type: ['traced'] } }, targets: [{ id: 'rx', kind: 'http', url: rx.url, retry: FAST_RETRY }] });
  });
  after(async () => {
    await s.close();
    await rx.close();
    await collector.close();
  });

  test('otlp - ingest, match and deliver spans join the producer trace; the target sees the deliver span as parent', async () => {
    const a = await call(s.url, '/v1/buses/default/events', {
      body: JSON.stringify(ce('tr-1', { type: 'traced' })), headers: { 'content-type': STRUCTURED, traceparent: `00-${TRACE}-${PRODUCER_SPAN}-01` },
    });
    assert.equal(a.status, 202, a.text);
    await untilFinal(s.url, 'default', 'tr-1', 'delivered');
    const inTrace = (): OtlpSpan[] => collector.spans().filter((x) => x.traceId === TRACE);
    await until('three spans exported', () => inTrace().length >= 3);
    const byName = new Map(inTrace().map((x) => [x.name, x]));
    const ingest = byName.get('send default')!;
    const match = byName.get('match default')!;
    const deliver = byName.get('deliver default')!;
    assert.ok(ingest !== undefined && match !== undefined && deliver !== undefined, JSON.stringify([...byName.keys()]));
    assert.equal(ingest.kind, 2);
    assert.equal(ingest.parentSpanId, PRODUCER_SPAN);
    assert.deepEqual(attr(ingest, 'http.response.status_code'), { intValue: '202' });
    assert.deepEqual(attr(ingest, 'switchyard.bus'), { stringValue: 'default' });
    assert.equal(match.parentSpanId, PRODUCER_SPAN);
    assert.deepEqual(attr(match, 'cloudevents.event_id'), { stringValue: 'tr-1' });
    assert.deepEqual(attr(match, 'switchyard.rules'), { stringValue: 'hook' });
    assert.equal(deliver.kind, 3);
    assert.equal(deliver.parentSpanId, PRODUCER_SPAN);
    assert.deepEqual(attr(deliver, 'switchyard.target'), { stringValue: 'rx' });
    assert.deepEqual(attr(deliver, 'http.response.status_code'), { intValue: '200' });
    assert.deepEqual(deliver.status, { code: 1 });
    // The OpenTelemetry messaging conventions: system, operation, destination (the bus), subscription (rule/target), message id.
    for (const [x, type, name] of [[ingest, 'send', 'send'], [match, 'process', 'match'], [deliver, 'send', 'deliver']] as const) {
      assert.deepEqual(attr(x, 'messaging.system'), { stringValue: 'switchyard' });
      assert.deepEqual(attr(x, 'messaging.operation.type'), { stringValue: type });
      assert.deepEqual(attr(x, 'messaging.operation.name'), { stringValue: name });
      assert.deepEqual(attr(x, 'messaging.destination.name'), { stringValue: 'default' });
    }
    assert.deepEqual(attr(match, 'messaging.message.id'), { stringValue: 'tr-1' });
    assert.deepEqual(attr(deliver, 'messaging.message.id'), { stringValue: 'tr-1' });
    assert.deepEqual(attr(deliver, 'messaging.destination.subscription.name'), { stringValue: 'hook/rx' });
    const received = rx.requests.find((r) => r.headers['ce-id'] === 'tr-1')!;
    assert.equal(received.headers['traceparent'], `00-${TRACE}-${deliver.spanId}-01`, 'the receiver\'s parent is the deliver span');
    for (const x of [ingest, match, deliver]) {
      assert.match(x.spanId, /^[0-9a-f]{16}$/);
      assert.match(x.startTimeUnixNano, /^\d{19}$/);
      assert.ok(BigInt(x.endTimeUnixNano) >= BigInt(x.startTimeUnixNano));
    }
    const resource = collector.requests[0]!.resourceSpans[0]!.resource.attributes;
    assert.deepEqual(resource.find((r) => r.key === 'service.name')?.value, { stringValue: 'swy-test' });
    assert.equal(collector.requests[0]!.resourceSpans[0]!.scopeSpans[0]!.scope.name, 'switchyard');
    assert.deepEqual([...collector.contentTypes], [protocol === 'http/json' ? 'application/json' : 'application/x-protobuf']);
  });

  test('otlp - a failed attempt is a deliver span with an error status; the retry is another span', async () => {
    const a = await call(s.url, '/v1/buses/default/events', {
      body: JSON.stringify(ce('fail-once', { type: 'traced' })), headers: { 'content-type': STRUCTURED, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    assert.equal(a.status, 202);
    await untilFinal(s.url, 'default', 'fail-once', 'delivered');
    const deliver = (): OtlpSpan[] => collector.spans().filter((x) => x.traceId === '0af7651916cd43dd8448eb211c80319c' && x.name === 'deliver default');
    await until('two deliver spans', () => deliver().length === 2);
    const [first, second] = deliver().sort((x, y) => (BigInt(x.startTimeUnixNano) < BigInt(y.startTimeUnixNano) ? -1 : 1));
    assert.equal(first!.status.code, 2);
    assert.deepEqual(attr(first!, 'error.type'), { stringValue: '503' });
    assert.match(first!.status.message ?? '', /503/);
    assert.equal(second!.status.code, 1);
    assert.notEqual(first!.spanId, second!.spanId);
    const headers = rx.requests.filter((r) => r.headers['ce-id'] === 'fail-once').map((r) => r.headers['traceparent']);
    assert.deepEqual(headers, [first, second].map((x) => `00-0af7651916cd43dd8448eb211c80319c-${x!.spanId}-01`));
  });

  test('otlp - an event without trace context gets spans in a trace of their own', async () => {
    const before = collector.spans().length;
    const a = await call(s.url, '/v1/buses/default/events', { body: JSON.stringify(ce('plain', { type: 'other' })), headers: { 'content-type': STRUCTURED } });
    assert.equal(a.status, 202);
    await until('ingest and match spans', () => collector.spans().slice(before).filter((x) => x.name !== 'deliver default').length >= 2);
    const match = collector.spans().slice(before).find((x) => x.name === 'match default')!;
    assert.equal(match.parentSpanId, undefined);
    assert.match(match.traceId, /^[0-9a-f]{32}$/);
  });
});

describe('observe otlp unreachable', () => {
  test('otlp - a collector that is down costs spans, never a put or a delivery', async () => {
    const closed = await startCollector();
    await closed.close();
    const s = await startTestServer({ observe: { otlpEndpoint: closed.url, otlpFlushIntervalMs: 10, otlpTimeoutMs: 200 } });
    try {
      for (let i = 0; i < 5; i++) {
        const a = await call(s.url, '/v1/buses/default/events', { body: JSON.stringify(ce(`d-${i}`)), headers: { 'content-type': STRUCTURED } });
        assert.equal(a.status, 202);
      }
    } finally {
      await s.close();
    }
  });
});
