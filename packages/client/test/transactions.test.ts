// @switchyard/client's transactions and delayed puts against a real in-process server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/e2e/harness.js';
import { ApiError, SwitchyardClient } from '../src/index.js';

let t: TestServer;
let client: SwitchyardClient;
before(async () => {
  t = await startTestServer();
  client = new SwitchyardClient({ baseUrl: t.url });
});
after(async () => {
  await t.close();
});

test('client transactions - begin, put, get, list, commit; rollback; an ended one is an ApiError', async () => {
  const tx = await client.transactions.begin('default', { checkUrl: 'https://shop.example/tx-check', checkAfterMs: 60_000 });
  assert.equal(tx.state, 'open');
  assert.match(tx.signingSecret ?? '', /^whsec_/);
  const held = await client.transactions.put('default', tx.id, [{ id: 'ct1', source: '/c', type: 't' }, { id: 'ct2', source: '/c', type: 't' }]);
  assert.deepEqual(held, [{ id: 'ct1', source: '/c', transaction: tx.id }, { id: 'ct2', source: '/c', transaction: tx.id }]);
  assert.equal((await client.transactions.get('default', tx.id)).events, 2);
  assert.ok((await client.transactions.list('default', { state: 'open' })).some((x) => x.id === tx.id));
  const c = await client.transactions.commit('default', tx.id);
  assert.equal(c.transaction.state, 'committed');
  assert.deepEqual(c.results.map((r) => r.id), ['ct1', 'ct2']);
  assert.equal((await client.events.get('default', 'ct2')).sequence, c.results[1]!.sequence);
  const other = await client.transactions.begin('default');
  assert.equal((await client.transactions.rollback('default', other.id)).state, 'rolled-back');
  await assert.rejects(client.transactions.commit('default', other.id), (e) => e instanceof ApiError && e.code === 'SWY_INGEST_TX_CLOSED');
});

test('client delay - a PutEvents entry with delayMs is stored with its due time', async () => {
  const r = await client.events.putEntries([{ id: 'cd1', source: '/c', type: 't', delayMs: 60_000 }]);
  assert.equal(r.failedCount, 0);
  const e = await client.events.get('default', 'cd1');
  assert.equal(typeof e.event.deliverat, 'string');
});
