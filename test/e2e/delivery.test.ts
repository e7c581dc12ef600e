// Reliable delivery end to end (docs/targets.md): a real server, real HTTP receivers on
// 127.0.0.1 that fail in scripted ways, rules with targets put through the API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, ce, STRUCTURED } from './_client.js';
import { startTestServer } from './harness.js';
import { startReceiver } from './_delivery-receiver.js';

async function putRule(url: string, bus: string, name: string, body: Record<string, unknown>): Promise<void> {
  const a = await call(url, `/v1/buses/${bus}/rules/${name}`, { method: 'PUT', json: body });
  assert.ok(a.status === 200 || a.status === 201, a.text);
}

async function put(url: string, bus: string, event: Record<string, unknown>): Promise<void> {
  const a = await call(url, `/v1/buses/${bus}/events`, { body: JSON.stringify(event), headers: { 'content-type': STRUCTURED } });
  assert.equal(a.status, 202, a.text);
}

test('delivery - an event matching a rule reaches its http target in binary mode', async () => {
  const rx = await startReceiver();
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'r', { filter: { pattern: { type: ['com.example.test'] } }, targets: [{ id: 'h', kind: 'http', url: `${rx.url}/hook` }] });
    await put(t.url, 'default', ce('e1', { data: { hello: 'world' } }));
    await rx.until('one delivery', (r) => r.length === 1);
    const r = rx.requests[0]!;
    assert.equal(r.url, '/hook');
    assert.equal(r.headers['ce-id'], 'e1');
    assert.deepEqual(JSON.parse(r.body), { hello: 'world' });
    assert.match(String(r.headers['webhook-signature']), /^v1,/);
  } finally {
    await t.close();
    await rx.close();
  }
});
