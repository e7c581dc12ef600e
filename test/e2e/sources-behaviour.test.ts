// Webhook sources beyond verification: a request that already is a CloudEvent taken as it is
// (binary and structured), the generic mapping (JSONPath, constants, templates, extensions, a
// data transformer), a source that fails (its bus deleted) and recovers with a system event for
// each, the per-source metrics, the webhook route open without an API key while the management
// routes need one, and verification mandatory when the server listens beyond loopback.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { assertProblem, call } from './_client.js';
import { startTestServer } from './harness.js';

const sign = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test('webhook sources - a CloudEvent (binary or structured) is taken as it is, after verification', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/connections/k', { method: 'PUT', json: { kind: 'hmac', secret: 'sec' } });
    await call(t.url, '/v1/sources/ce', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'github', connection: 'k' }, mapping: { preset: 'github' } } });
    const data = '{"n": 1.50}';
    const binary = await call<{ results: { id: string }[] }>(t.url, '/v1/sources/ce/webhook', {
      body: data, headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'b-1', 'ce-source': '/shop', 'ce-type': 'order.created', 'ce-tenant': 'acme', 'x-hub-signature-256': sign('sec', data) },
    });
    assert.equal(binary.status, 202, binary.text);
    const structured = JSON.stringify({ specversion: '1.0', id: 's-1', source: '/shop', type: 'order.paid', data: { n: 2 } });
    assert.equal((await call(t.url, '/v1/sources/ce/webhook', { body: structured, headers: { 'content-type': 'application/cloudevents+json', 'x-hub-signature-256': sign('sec', structured) } })).status, 202);
    const b = await call(t.url, '/v1/buses/default/events/b-1');
    assert.ok(b.text.includes('"data":{"n": 1.50}'), b.text);
    const bj = b.json as { event: Record<string, unknown> };
    assert.deepEqual([bj.event.type, bj.event.source, bj.event.tenant], ['order.created', '/shop', 'acme']);
    const trace = await call<{ received: { mode: string; via: Record<string, unknown> } }>(t.url, '/v1/buses/default/events/s-1/trace');
    assert.equal(trace.json.received.mode, 'structured');
    assert.deepEqual(trace.json.received.via, { source: 'ce', kind: 'webhook', verification: 'github: signature verified' });
    // An invalid CloudEvent is refused like on the put route, and counted.
    const bad = '{"specversion":"1.0","id":""}';
    assertProblem(await call(t.url, '/v1/sources/ce/webhook', { body: bad, headers: { 'content-type': 'application/cloudevents+json', 'x-hub-signature-256': sign('sec', bad) } }), 400, 'SWY_EVENT_INVALID');
    assert.equal((await call<{ counters: { rejected: number; put: number } }>(t.url, '/v1/sources/ce')).json.counters.rejected, 1);
  } finally {
    await t.close();
  }
});

test('webhook sources - the generic mapping: JSONPath, constant, template, extensions and a data transformer; a missing attribute is a 400 naming it', async () => {
  const t = await startTestServer();
  try {
    const mapping = {
      id: '$.headers.x-request-id',
      type: { template: 'shop.${topic}', variables: { topic: '$.body.topic' } },
      source: { value: 'https://shop.example' },
      subject: '$.body.order.id',
      time: '$.body.at',
      extensions: { tenant: '$.query.tenant', partitionkey: '$.body.order.customer' },
      data: { type: 'partial', path: '$.body.order' },
    };
    const put = await call(t.url, '/v1/sources/shop', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' }, mapping } });
    assert.equal(put.status, 201, put.text);
    const body = JSON.stringify({ topic: 'order.created', at: '2026-03-01T10:00:00Z', order: { id: 'o-9', customer: 'c-1', total: 12.5 } });
    const a = await call(t.url, '/v1/sources/shop/webhook?tenant=acme', { body, headers: { 'content-type': 'application/json', 'x-request-id': 'r-77' } });
    assert.equal(a.status, 202, a.text);
    const e = (await call<{ event: Record<string, unknown> }>(t.url, '/v1/buses/default/events/r-77')).json.event;
    assert.deepEqual(e, {
      specversion: '1.0', id: 'r-77', source: 'https://shop.example', type: 'shop.order.created', subject: 'o-9', time: '2026-03-01T10:00:00Z',
      datacontenttype: 'application/json', tenant: 'acme', partitionkey: 'c-1', data: { id: 'o-9', customer: 'c-1', total: 12.5 },
    });
    // A credential header cannot be mapped into an event (a mapping naming it finds nothing).
    await call(t.url, '/v1/sources/leak', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' }, mapping: { id: { value: 'leak-1' }, extensions: { auth: '$.headers.authorization', agent: '$.headers.x-agent' } } } });
    assert.equal((await call(t.url, '/v1/sources/leak/webhook', { body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret', 'x-agent': 'a' } })).status, 202);
    const leak = (await call<{ event: Record<string, unknown> }>(t.url, '/v1/buses/default/events/leak-1')).json.event;
    assert.deepEqual([leak.auth, leak.agent], [undefined, 'a']);
    const missing = assertProblem(await call(t.url, '/v1/sources/shop/webhook', { body: '{"topic":"x"}', headers: { 'content-type': 'application/json' } }), 400, 'SWY_SOURCE_MAPPING_FAILED');
    assert.deepEqual(missing.violations?.map((v) => v.path), ['/mapping/id']);
    const mt = assertProblem(await call(t.url, '/v1/sources/shop/webhook', { body: '{"topic":"x","at":"yesterday"}', headers: { 'content-type': 'application/json', 'x-request-id': 'r-79' } }), 400, 'SWY_SOURCE_MAPPING_FAILED');
    assert.ok(mt.violations?.some((v) => v.path === '/event/time'), JSON.stringify(mt.violations));
    assert.equal((await call<{ items: unknown[] }>(t.url, '/v1/buses/default/events')).json.items.length, 2, 'the refused messages stored nothing');
  } finally {
    await t.close();
  }
});

test('webhook sources - a source whose bus is deleted is failing with the last error, then recovers; a system event for each; per-source metrics', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses', { json: { name: 'hooks' } });
    await call(t.url, '/v1/sources/s', { method: 'PUT', json: { kind: 'webhook', bus: 'hooks', verify: { kind: 'none' } } });
    assert.equal((await call(t.url, '/v1/sources/s/webhook', { body: 'a', headers: { 'content-type': 'text/plain' } })).status, 202);
    assert.equal((await call(t.url, '/v1/buses/hooks', { method: 'DELETE' })).status, 204);
    assertProblem(await call(t.url, '/v1/sources/s/webhook', { body: 'b', headers: { 'content-type': 'text/plain' } }), 404, 'SWY_STORE_BUS_NOT_FOUND');
    const failing = await call<{ status: { state: string; lastError?: string } }>(t.url, '/v1/sources/s');
    assert.equal(failing.json.status.state, 'failing');
    assert.match(failing.json.status.lastError ?? '', /SWY_STORE_BUS_NOT_FOUND/);
    const metrics = (await call(t.url, '/metrics')).text;
    assert.match(metrics, /switchyard_source_failing\{source="s",kind="webhook",bus="hooks"\} 1/);
    assert.match(metrics, /switchyard_source_received_total\{source="s",kind="webhook",bus="hooks"\} 2/);
    assert.match(metrics, /switchyard_source_put_total\{source="s",kind="webhook",bus="hooks"\} 1/);
    assert.match(metrics, /switchyard_source_rejected_total\{source="s",kind="webhook",bus="hooks"\} 1/);
    await call(t.url, '/v1/buses', { json: { name: 'hooks' } });
    assert.equal((await call(t.url, '/v1/sources/s/webhook', { body: 'c', headers: { 'content-type': 'text/plain' } })).status, 202);
    assert.equal((await call<{ status: { state: string } }>(t.url, '/v1/sources/s')).json.status.state, 'running');
    const sys = async (type: string): Promise<Record<string, unknown>[]> => {
      for (let i = 0; i < 200; i++) {
        const items = (await call<{ items: { event: Record<string, unknown> }[] }>(t.url, `/v1/buses/switchyard.system/events?type=${type}`)).json.items;
        if (items.length > 0) return items.map((x) => x.event);
        await new Promise((r) => setTimeout(r, 10));
      }
      return [];
    };
    const [f] = await sys('switchyard.source.failing');
    assert.equal(f?.subject, 'sources/s');
    assert.match(String((f?.data as { error: string }).error), /SWY_STORE_BUS_NOT_FOUND/);
    const [r] = await sys('switchyard.source.recovered');
    assert.deepEqual(r?.data, { source: 's', kind: 'webhook', bus: 'hooks' });
  } finally {
    await t.close();
  }
});

test('webhook sources - with API keys the webhook route needs none (its verification is its authentication); management does', async () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  const t = await startTestServer({ server: { host: '127.0.0.1' }, auth: { apiKeys: { [ADMIN]: ['admin'] } } });
  try {
    const auth = { authorization: `Bearer ${ADMIN}` };
    assertProblem(await call(t.url, '/v1/sources'), 401, 'SWY_API_UNAUTHORIZED');
    assertProblem(await call(t.url, '/v1/sources/x', { method: 'PUT', json: {} }), 401, 'SWY_API_UNAUTHORIZED');
    await call(t.url, '/v1/connections/k', { method: 'PUT', json: { kind: 'hmac', secret: 'sec' }, headers: auth });
    assert.equal((await call(t.url, '/v1/sources/x', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'github', connection: 'k' } }, headers: auth })).status, 201);
    assert.equal((await call(t.url, '/v1/sources/x/webhook', { body: '{}', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign('sec', '{}') } })).status, 202);
    assertProblem(await call(t.url, '/v1/sources/x/webhook', { body: '{}', headers: { 'content-type': 'application/json' } }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
    assert.equal((await call(t.url, '/v1/sources/x/pause', { method: 'POST', headers: auth })).status, 200);
  } finally {
    await t.close();
  }
});

test('webhook sources - a server listening beyond loopback refuses a source without verification', async () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  const t = await startTestServer({ server: { host: '0.0.0.0' }, auth: { apiKeys: { [ADMIN]: ['admin'] } } });
  try {
    const url = t.url.replace('0.0.0.0', '127.0.0.1');
    const p = assertProblem(await call(url, '/v1/sources/open', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' } }, headers: { authorization: `Bearer ${ADMIN}` } }), 400, 'SWY_SOURCE_INVALID');
    assert.deepEqual(p.violations?.map((v) => v.path), ['/verify/kind']);
  } finally {
    await t.close();
  }
});
