// @switchyard/client's queues and consumers groups against a real in-process server.
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

test('client queues - receive, acknowledge, release, reject, renew; a missing queue is an ApiError with its code', async () => {
  await client.rules.put('default', 'to-q', { filter: { pattern: { type: ['cq'] } }, targets: [{ id: 'q', kind: 'queue', queue: 'cq' }] });
  await client.events.put('default', [1, 2, 3, 4].map((n) => ({ source: '/c', type: 'cq', id: `cq${n}` })));
  const got = await client.queues.receive('default', 'cq', { max: 10 });
  assert.deepEqual(got.map((g) => g.event.id).sort(), ['cq1', 'cq2', 'cq3', 'cq4']);
  const [a, b, c, d] = got.map((g) => g.brokerProperties.lockToken);
  assert.deepEqual((await client.queues.acknowledge('default', 'cq', [a!])).succeededLockTokens, [a]);
  assert.equal((await client.queues.release('default', 'cq', [b!], { delayMs: 0 })).succeededLockTokens.length, 1);
  assert.equal((await client.queues.reject('default', 'cq', [c!], { reason: 'no' })).succeededLockTokens.length, 1);
  assert.equal((await client.queues.renew('default', 'cq', [d!])).succeededLockTokens.length, 1);
  assert.deepEqual((await client.queues.get('default', 'cq')).counts, { ready: 1, locked: 1, dead: 1 });
  assert.deepEqual((await client.queues.list('default')).map((q) => q.name), ['cq']);
  await assert.rejects(client.queues.receive('default', 'nope'), (e: unknown) => e instanceof ApiError && e.problem.code === 'SWY_QUEUE_NOT_FOUND');
});

test('client consumers - create, fetch, commit, reset, list, delete', async () => {
  await client.events.put('default', [{ source: '/c', type: 'cc', id: 'cc1' }, { source: '/c', type: 'cc', id: 'cc2' }]);
  const c = await client.consumers.create('default', { name: 'cc', pattern: { type: ['cc'] }, start: 'earliest' });
  assert.equal(c.offset, 0);
  const f = await client.consumers.fetch('default', 'cc', { max: 10 });
  assert.deepEqual(f.events.map((e) => e.event.id), ['cc1', 'cc2']);
  assert.equal((await client.consumers.commit('default', 'cc', f.offset)).lag, f.head - f.offset);
  assert.deepEqual((await client.consumers.fetch('default', 'cc')).events, []);
  assert.equal((await client.consumers.reset('default', 'cc', 'earliest')).offset, 0);
  assert.deepEqual((await client.consumers.list('default')).map((x) => x.name), ['cc']);
  await client.consumers.delete('default', 'cc');
  await assert.rejects(client.consumers.get('default', 'cc'), (e: unknown) => e instanceof ApiError && e.problem.code === 'SWY_CONSUMER_NOT_FOUND');
});
