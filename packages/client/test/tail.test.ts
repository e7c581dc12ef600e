// The live tail as an async iterator against a real server: replay from a sequence, a pattern,
// resuming with Last-Event-ID across a server restart (the stream is ended by the server), and
// ending through an AbortSignal.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { SwitchyardServer } from '../../../src/server/index.js';
import { startTestServer, type TestServer } from '../../../test/e2e/harness.js';
import { ApiError, SwitchyardClient, type StoredEvent } from '../src/index.js';

let t: TestServer;
let client: SwitchyardClient;
before(async () => {
  t = await startTestServer();
  client = new SwitchyardClient({ baseUrl: t.url });
});
after(async () => {
  await t.close();
});

async function take(it: AsyncIterator<StoredEvent>, n: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done === true) throw new Error('the tail ended');
    out.push(r.value);
  }
  return out;
}

test('tail - replays after a sequence, then follows live events; a pattern selects; an abort ends the iteration', { timeout: 60_000 }, async () => {
  await client.buses.create({ name: 't-live' });
  await client.events.put('t-live', [{ id: 'a', source: '/s', type: 'keep' }, { id: 'b', source: '/s', type: 'skip' }, { id: 'c', source: '/s', type: 'keep' }]);
  const ac = new AbortController();
  const it = client.events.tail('t-live', { after: 1, pattern: { type: ['keep'] }, signal: ac.signal })[Symbol.asyncIterator]();
  assert.deepEqual((await take(it, 1)).map((e) => [e.event.id, e.sequence]), [['c', 3]]);
  const next = it.next();
  await client.events.put('t-live', [{ id: 'd', source: '/s', type: 'skip' }, { id: 'e', source: '/s', type: 'keep', data: { x: 1 } }]);
  const e = await next;
  assert.equal(e.done, false);
  assert.equal(e.value!.event.id, 'e');
  assert.deepEqual(e.value!.event.data, { x: 1 });
  const pending = it.next();
  ac.abort();
  assert.equal((await pending).done, true);
});

test('tail - a missing bus is an ApiError, not a reconnect loop', async () => {
  const err = await take(client.events.tail('t-nope')[Symbol.asyncIterator](), 1).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError && err.status === 404 && err.code === 'SWY_STORE_BUS_NOT_FOUND', String(err));
});

test('tail - after the server ends the stream (a restart), the tail reconnects with Last-Event-ID and misses nothing', { timeout: 60_000 }, async () => {
  const first = await startTestServer();
  const port = Number(new URL(first.url).port);
  let second: SwitchyardServer | undefined;
  // The reconnect waits until the test opens the gate: events put meanwhile are only seen by a
  // tail that resumes where it was (a fresh tail would start at the head, after them).
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const sleeps: number[] = [];
  try {
    const tailer = new SwitchyardClient({ baseUrl: first.url, sleep: async (ms) => { sleeps.push(ms); await gate; } });
    const producer = new SwitchyardClient({ baseUrl: first.url });
    await producer.buses.create({ name: 'orders' });
    const it = tailer.events.tail('orders', { after: 0 })[Symbol.asyncIterator]();
    await producer.events.put('orders', [{ id: 'o1', source: '/s', type: 't' }, { id: 'o2', source: '/s', type: 't' }]);
    assert.deepEqual((await take(it, 2)).map((e) => e.event.id), ['o1', 'o2']);
    const pending = take(it, 2);

    await first.server.stop(); // ends every tail (preClose), then closes
    second = new SwitchyardServer(loadConfig({ overrides: { server: { port }, storage: { dataDir: first.dataDir }, log: { level: 'silent' } } }));
    await second.start();
    await producer.events.put('orders', [{ id: 'o3', source: '/s', type: 't' }, { id: 'o4', source: '/s', type: 't' }]);
    open();

    assert.deepEqual((await pending).map((e) => [e.event.id, e.sequence]), [['o3', 3], ['o4', 4]]);
    assert.ok(sleeps.length >= 1, 'the tail backed off before reconnecting');
    await it.return?.();
  } finally {
    open();
    await second?.stop();
    rmSync(first.dataDir, { recursive: true, force: true });
  }
});
