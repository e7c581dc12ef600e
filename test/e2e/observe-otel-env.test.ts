// The standard OTEL_* variables (docs/observability.md) against a real OTLP/HTTP receiver on
// 127.0.0.1 that, like a hosted backend, refuses requests without its API key header: traces
// endpoint, headers, service name, resource attributes and sampler come from the environment.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { STRUCTURED, call, ce, until } from './_client.js';
import { decodeOtlpProto, type ExportRequest } from '../_otlp-decode.js';

const KEY = 'otlp-api-key-0001';
let collector: { url: string; requests: ExportRequest[]; refused: number; close: () => Promise<void> };
let s: TestServer;

before(async () => {
  const requests: ExportRequest[] = [];
  const state = { refused: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers['x-api-key'] !== KEY || req.headers['x-team'] !== 'a b') {
        state.refused++;
        res.writeHead(401).end();
        return;
      }
      if (req.method !== 'POST' || req.url !== '/custom/traces' || req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(404).end();
        return;
      }
      requests.push(decodeOtlpProto(Buffer.concat(chunks)));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  collector = {
    url, requests, get refused() { return state.refused; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  s = await startTestServer({ observe: { otlpFlushIntervalMs: 10 } }, {
    env: {
      // The general endpoint is wrong on purpose: the traces endpoint wins and is used as is.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url}/custom/traces`,
      OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${KEY},x-team=a%20b`,
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,service.name=not-this-one',
      // New traces get no spans; a producer's sampled trace does.
      OTEL_TRACES_SAMPLER: 'parentbased_always_off',
    },
  });
});
after(async () => {
  await s.close();
  await collector.close();
});

test('otel env - spans reach the traces endpoint with the configured headers, resource and sampler', async () => {
  const TRACE = '5bf92f3577b34da6a3ce929d0e0e4736';
  const unsampledRoot = await call(s.url, '/v1/buses/default/events', { body: JSON.stringify(ce('root', { type: 't' })), headers: { 'content-type': STRUCTURED } });
  assert.equal(unsampledRoot.status, 202);
  const traced = await call(s.url, '/v1/buses/default/events', {
    body: JSON.stringify(ce('traced', { type: 't' })), headers: { 'content-type': STRUCTURED, traceparent: `00-${TRACE}-00f067aa0ba902b7-01` },
  });
  assert.equal(traced.status, 202);
  const spans = (): { traceId: string; name: string }[] => collector.requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
  await until('the traced put\'s send and match spans', () => spans().filter((x) => x.traceId === TRACE).length >= 2);
  assert.deepEqual(spans().map((x) => x.traceId === TRACE), spans().map(() => true), 'only the sampled trace has spans');
  assert.deepEqual(spans().map((x) => x.name).sort(), ['match default', 'send default']);
  assert.equal(collector.refused, 0, 'every export carried the headers');
  const resource = collector.requests[0]!.resourceSpans[0]!.resource.attributes;
  assert.deepEqual(Object.fromEntries(resource.map((a) => [a.key, a.value])), {
    'deployment.environment.name': { stringValue: 'test' }, 'service.name': { stringValue: 'from-env' },
  });
});
