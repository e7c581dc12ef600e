// Webhook sources end to end: a GitHub webhook verified with GitHub's published test vector,
// mapped by the preset and put on a bus; a wrong signature (401, nothing stored, counted); a
// replay of the same delivery (stored once); pause/resume; the trace naming the source; the
// source resource itself (status, counters, secrets never shown).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { assertProblem, call } from './_client.js';
import { startTestServer } from './harness.js';

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const GH_SECRET = "It's a Secret to Everybody";
const GH_PAYLOAD = 'Hello, World!';
const GH_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

const ghSign = (body: string): string => `sha256=${createHmac('sha256', GH_SECRET).update(body).digest('hex')}`;

async function githubSource(url: string, bus = 'default'): Promise<void> {
  assert.equal((await call(url, '/v1/connections/gh', { method: 'PUT', json: { kind: 'hmac', secret: GH_SECRET } })).status, 201);
  const put = await call<Record<string, unknown>>(url, '/v1/sources/gh', { method: 'PUT', json: { kind: 'webhook', bus, verify: { kind: 'github', connection: 'gh' }, mapping: { preset: 'github' } } });
  assert.equal(put.status, 201, put.text);
}

test('webhook sources - GitHub test vector: verified, kept byte-exact as data, ids from X-GitHub-Delivery', async () => {
  assert.equal(ghSign(GH_PAYLOAD), GH_SIGNATURE);
  const t = await startTestServer();
  try {
    await githubSource(t.url);
    const a = await call<{ results: { id: string; sequence: number }[] }>(t.url, '/v1/sources/gh/webhook', {
      body: GH_PAYLOAD, headers: { 'content-type': 'text/plain', 'x-hub-signature-256': GH_SIGNATURE, 'x-github-event': 'ping', 'x-github-delivery': 'd-1' },
    });
    assert.equal(a.status, 202, a.text);
    assert.equal(a.json.results[0]!.id, 'd-1');
    const e = await call<{ event: Record<string, unknown> }>(t.url, '/v1/buses/default/events/d-1');
    assert.equal(e.json.event.type, 'com.github.ping');
    assert.equal(e.json.event.source, 'https://github.com');
    assert.equal(e.json.event.data, GH_PAYLOAD);
    assert.equal(e.json.event.datacontenttype, 'text/plain');
  } finally {
    await t.close();
  }
});

test('webhook sources - a wrong or missing signature is 401 problem+json, nothing stored, counted as rejected', async () => {
  const t = await startTestServer();
  try {
    await githubSource(t.url);
    const body = JSON.stringify({ action: 'opened', repository: { html_url: 'https://github.com/o/r', full_name: 'o/r' } });
    for (const sig of [GH_SIGNATURE, 'sha256=' + '0'.repeat(64), 'sha1=abc', undefined]) {
      const a = await call(t.url, '/v1/sources/gh/webhook', {
        body, headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'bad', ...(sig === undefined ? {} : { 'x-hub-signature-256': sig }) },
      });
      assertProblem(a, 401, 'SWY_SOURCE_VERIFICATION_FAILED');
    }
    assert.equal((await call(t.url, '/v1/buses/default/events/bad')).status, 404);
    const s = await call<{ counters: { received: number; rejected: number; put: number }; status: { state: string; lastRejection?: { reason: string } } }>(t.url, '/v1/sources/gh');
    assert.deepEqual([s.json.counters.received, s.json.counters.rejected, s.json.counters.put], [4, 4, 0]);
    assert.equal(s.json.status.state, 'running');
    assert.match(s.json.status.lastRejection?.reason ?? '', /X-Hub-Signature-256/);
  } finally {
    await t.close();
  }
});

test('webhook sources - the preset maps a JSON delivery; a replay is stored once; the trace names the source and its verification', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses', { json: { name: 'gh' } });
    await githubSource(t.url, 'gh');
    const body = JSON.stringify({ action: 'opened', number: 7, repository: { html_url: 'https://github.com/o/r', full_name: 'o/r' } });
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': ghSign(body), 'x-github-event': 'pull_request', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const first = await call<{ results: { sequence: number; duplicate?: boolean }[] }>(t.url, '/v1/sources/gh/webhook', { body, headers });
    assert.equal(first.status, 202, first.text);
    const again = await call<{ results: { sequence: number; duplicate?: boolean }[] }>(t.url, '/v1/sources/gh/webhook', { body, headers });
    assert.equal(again.status, 202);
    assert.equal(again.json.results[0]!.duplicate, true);
    assert.equal(again.json.results[0]!.sequence, first.json.results[0]!.sequence);
    const list = await call<{ items: { event: Record<string, unknown> }[] }>(t.url, '/v1/buses/gh/events');
    assert.equal(list.json.items.length, 1);
    const ev = list.json.items[0]!.event;
    assert.deepEqual([ev.id, ev.type, ev.source, ev.subject], ['72d3162e-cc78-11e3-81ab-4c9367dc0958', 'com.github.pull_request.opened', 'https://github.com/o/r', 'o/r']);
    assert.deepEqual(ev.data, JSON.parse(body));
    const trace = await call<{ received: { via?: Record<string, unknown>; traceparent: string | null } }>(t.url, '/v1/buses/gh/events/72d3162e-cc78-11e3-81ab-4c9367dc0958/trace');
    assert.deepEqual(trace.json.received.via, { source: 'gh', kind: 'webhook', verification: 'github: signature verified', mapped: true });
    assert.equal(trace.json.received.traceparent, headers.traceparent);
    const s = await call<{ counters: { received: number; put: number; rejected: number; lastEventAt: string | null } }>(t.url, '/v1/sources/gh');
    assert.deepEqual([s.json.counters.received, s.json.counters.put, s.json.counters.rejected], [2, 1, 0]);
    assert.notEqual(s.json.counters.lastEventAt, null);
  } finally {
    await t.close();
  }
});

test('webhook sources - the resource: list, get (no secret anywhere), pause (503) and resume, delete; invalid bodies name each problem', async () => {
  const t = await startTestServer();
  try {
    await githubSource(t.url);
    const listed = await call<{ items: Record<string, unknown>[] }>(t.url, '/v1/sources');
    assert.equal(listed.json.items.length, 1);
    assert.ok(!listed.text.includes(GH_SECRET));
    const got = await call<Record<string, unknown>>(t.url, '/v1/sources/gh');
    assert.deepEqual(got.json.verify, { kind: 'github', connection: 'gh' });
    assert.equal(got.json.webhookPath, '/v1/sources/gh/webhook');
    const paused = await call<{ state: string; status: { state: string } }>(t.url, '/v1/sources/gh/pause', { method: 'POST' });
    assert.deepEqual([paused.json.state, paused.json.status.state], ['paused', 'paused']);
    assertProblem(await call(t.url, '/v1/sources/gh/webhook', { body: GH_PAYLOAD, headers: { 'x-hub-signature-256': GH_SIGNATURE } }), 503, 'SWY_SOURCE_PAUSED');
    assert.equal((await call<{ state: string }>(t.url, '/v1/sources/gh/resume', { method: 'POST' })).json.state, 'running');
    assert.equal((await call(t.url, '/v1/sources/gh/webhook', { body: GH_PAYLOAD, headers: { 'x-hub-signature-256': GH_SIGNATURE, 'x-github-delivery': 'r1', 'x-github-event': 'ping' } })).status, 202);
    const bad = assertProblem(await call(t.url, '/v1/sources/x', { method: 'PUT', json: { kind: 'webhook', bus: 'nope', verify: { kind: 'github', connection: 'missing' }, mapping: { preset: 'nope', id: 'x' } } }), 400, 'SWY_SOURCE_INVALID');
    assert.deepEqual(bad.violations?.map((v) => v.path).sort(), ['/mapping/id', '/mapping/preset']);
    const missing = assertProblem(await call(t.url, '/v1/sources/x', { method: 'PUT', json: { kind: 'webhook', bus: 'nope', verify: { kind: 'github', connection: 'missing' } } }), 400, 'SWY_SOURCE_INVALID');
    assert.deepEqual(missing.violations?.map((v) => v.path), ['/bus', '/connection']);
    assertProblem(await call(t.url, '/v1/sources/x', { method: 'PUT', json: { kind: 'ftp', bus: 'default' } }), 400, 'SWY_SOURCE_INVALID');
    assert.equal((await call(t.url, '/v1/sources/gh', { method: 'DELETE' })).status, 204);
    assertProblem(await call(t.url, '/v1/sources/gh'), 404, 'SWY_SOURCE_NOT_FOUND');
    assertProblem(await call(t.url, '/v1/sources/gh/webhook', { body: GH_PAYLOAD }), 404, 'SWY_SOURCE_NOT_FOUND');
  } finally {
    await t.close();
  }
});

test('webhook sources - a GitHub delivery sent as a form (payload=<JSON>) is verified over the raw body and mapped from the payload field', async () => {
  const t = await startTestServer();
  try {
    await githubSource(t.url);
    const payload = JSON.stringify({ action: 'closed', repository: { html_url: 'https://github.com/o/f', full_name: 'o/f' } });
    const body = `payload=${encodeURIComponent(payload)}`;
    const a = await call(t.url, '/v1/sources/gh/webhook', {
      body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': ghSign(body), 'x-github-event': 'issues', 'x-github-delivery': 'form-1' },
    });
    assert.equal(a.status, 202, a.text);
    const e = (await call<{ event: Record<string, unknown> }>(t.url, '/v1/buses/default/events/form-1')).json.event;
    assert.deepEqual([e.type, e.source, e.subject, e.data], ['com.github.issues.closed', 'https://github.com/o/f', 'o/f', body]);
  } finally {
    await t.close();
  }
});
