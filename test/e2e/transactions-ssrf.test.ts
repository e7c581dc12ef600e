// Check-backs go through the SSRF guard: with private networks not allowed, a check URL on
// loopback is never called; the check-back counts as "unknown" and says why.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { call } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './_delivery-receiver.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1));
let t: TestServer;
let check: Receiver;
before(async () => {
  check = await startReceiver(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"action":"commit"}' }));
  t = await startTestServer({ delivery: { allowPrivateNetworks: 'false' }, transactions: { checkIntervalMs: 60_000, maxChecks: 1 } }, { clock });
});
after(async () => {
  await t.close();
  await check.close();
});

test('transactions ssrf - a check URL on a private address is not called; the default outcome follows', async () => {
  const b = await call<{ id: string }>(t.url, '/v1/buses/default/transactions', { json: { checkUrl: `${check.url}/check`, checkAfterMs: 1000 } });
  assert.equal(b.status, 201, b.text);
  clock.advance(1000);
  await t.server.transactionChecker.tick();
  assert.equal(check.requests.length, 0);
  const tx = await call<{ state: string; history: { type: string; answer?: string; detail?: string; by?: string }[] }>(t.url, `/v1/buses/default/transactions/${b.json.id}`);
  assert.equal(tx.json.state, 'rolled-back');
  const c = tx.json.history.find((s) => s.type === 'check');
  assert.equal(c?.answer, 'unknown');
  assert.match(c?.detail ?? '', /private networks are not allowed/);
  assert.equal(tx.json.history.at(-1)?.by, 'default');
});
