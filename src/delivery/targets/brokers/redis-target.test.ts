import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type RedisClientType } from '@redis/client';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { contractMessage, runTargetContract } from '../../targets.contract.js';
import { DEFAULT_POLICY, shouldRetry } from '../../engine/index.js';
import { createEvent } from '../../../events/index.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { eventually, requireService, sendThroughOutage, tcpProxy, uniqueName } from './test-support.contract.js';

const REDIS = 'redis://127.0.0.1:6379';
const world = testWorld();
let r: RedisClientType;
const keys: string[] = [];

before(async () => {
  await requireService('Redis', 6379);
  r = createClient({ url: REDIS });
  r.on('error', () => undefined);
  await r.connect();
});
after(async () => {
  if (keys.length > 0) await r.del(keys);
  r.destroy();
  await world.close();
});

function streamKey(): string {
  const k = uniqueName('swy:stream');
  keys.push(k);
  return k;
}

/** Entries of a stream as field maps, oldest first. */
async function entries(key: string): Promise<Record<string, string>[]> {
  const got = await r.xRange(key, '-', '+');
  return (got ?? []).map((e) => e.message as Record<string, string>);
}

const idOf = (f: Record<string, string>): string => f['ce-id'] ?? (JSON.parse(f.data!) as { id: string }).id;

{
  const key = streamKey();
  runTargetContract({
    kind: 'redis',
    healthy: async () => createTarget({ id: 't', kind: 'redis', url: REDIS, key }, world.deps()),
    failing: async () => createTarget({ id: 't', kind: 'redis', url: 'redis://127.0.0.1:1', key, timeoutMs: 2000 }, world.deps()),
    received: async () => (await entries(key)).map(idOf),
    cleanup: async () => undefined,
  });
}

test('redis - XADD entries: structured has the JSON event in data; binary has ce- fields, content-type and the data', async () => {
  const key = streamKey();
  const s = createTarget({ id: 't', kind: 'redis', url: REDIS, key }, world.deps());
  const b = createTarget({ id: 't', kind: 'redis', url: REDIS, key, mode: 'binary' }, world.deps());
  try {
    const ev = createEvent({ id: 'x-1', source: 'urn:s', type: 't.x', extensions: { tenant: 'acme' }, data: { kind: 'json', value: { a: 1 } } });
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: ev } };
    assert.equal((await s.send([m], new AbortController().signal)).type, 'delivered');
    assert.equal((await b.send([m], new AbortController().signal)).type, 'delivered');
    const [st, bin] = await entries(key);
    assert.match(st!['content-type']!, /^application\/cloudevents\+json/);
    assert.deepEqual(JSON.parse(st!.data!), { specversion: '1.0', id: 'x-1', source: 'urn:s', type: 't.x', tenant: 'acme', data: { a: 1 } });
    assert.equal(bin!['ce-id'], 'x-1');
    assert.equal(bin!['ce-tenant'], 'acme');
    assert.equal(bin!['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(bin!.data!), { a: 1 });
  } finally {
    await s.close();
    await b.close();
  }
});

test('redis - MAXLEN trims the stream approximately; the key is templated', async () => {
  const base = uniqueName('swy:trim');
  keys.push(`${base}:eu`);
  const t = createTarget({ id: 't', kind: 'redis', url: REDIS, key: `${base}:\${region}`, variables: { region: '$.data.region' }, maxLen: 10 }, world.deps());
  try {
    for (let i = 0; i < 300; i += 1) {
      const m = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: `m-${i}`, source: 's', type: 't', data: { kind: 'json', value: { region: 'eu' } } }) } };
      assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    }
    const n = await r.xLen(`${base}:eu`);
    assert.ok(n < 300 && n >= 10, `trimmed to about 10 (${n})`);
  } finally {
    await t.close();
  }
});

test('redis - PUBLISH sends the structured event to the channel', async () => {
  const channel = uniqueName('swy:chan');
  const sub = r.duplicate();
  sub.on('error', () => undefined);
  await sub.connect();
  const got: string[] = [];
  await sub.subscribe(channel, (msg) => void got.push(msg));
  const t = createTarget({ id: 't', kind: 'redis', url: REDIS, command: 'publish', key: channel }, world.deps());
  try {
    const m = contractMessage();
    assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    await eventually(() => got.length === 1);
    assert.equal((JSON.parse(got[0]!) as { id: string }).id, m.eventId);
  } finally {
    await t.close();
    sub.destroy();
  }
});

test('redis - a key holding another type is rejected (WRONGTYPE), not retried; wrong credentials are config', async () => {
  const key = streamKey();
  await r.set(key, 'a string');
  const t = createTarget({ id: 't', kind: 'redis', url: REDIS, key }, world.deps());
  world.vault.put('redis-bad', { kind: 'basic', username: 'nobody', password: 'wrong' });
  const bad = createTarget({ id: 't', kind: 'redis', url: REDIS, key, connection: 'redis-bad' }, world.deps());
  try {
    const o = await t.send([contractMessage()], new AbortController().signal);
    assert.equal(o.type === 'failed' && o.errorClass, 'rejected', JSON.stringify(o));
    assert.match(o.type === 'failed' ? o.message : '', /WRONGTYPE/);
    const c = await bad.send([contractMessage()], new AbortController().signal);
    assert.equal(c.type === 'failed' && c.errorClass, 'config', JSON.stringify(c));
    assert.ok(!JSON.stringify(c).includes('wrong'), 'the password is not in the outcome');
  } finally {
    await t.close();
    await bad.close();
  }
});

test('redis - the server going down mid-load: deliveries fail retryably, reconnect, and nothing is lost', { timeout: 60_000 }, async () => {
  const key = streamKey();
  const proxy = await tcpProxy(6379);
  const t = createTarget({ id: 't', kind: 'redis', url: `redis://127.0.0.1:${proxy.port}`, key, timeoutMs: 2000 }, world.deps());
  try {
    const ms = Array.from({ length: 30 }, () => contractMessage());
    const { failures } = await sendThroughOutage({ proxy, count: ms.length, send: (i) => t.send([ms[i]!], new AbortController().signal), retryable: (o) => shouldRetry(DEFAULT_POLICY, o) });
    assert.ok(failures >= 3, 'the outage was seen');
    const got = new Set((await entries(key)).map(idOf));
    for (const m of ms) assert.ok(got.has(m.eventId), `${m.eventId} arrived`);
  } finally {
    await t.close();
    await proxy.close();
  }
});

test('redis - a bad target is refused when the rule is saved, one violation per problem', () => {
  assert.deepEqual(validateTargetSpec({ kind: 'redis', url: 'redis://:pw@h', command: 'xadd', key: '', maxLen: 0 }, '').map((x) => x.path).sort(), ['/key', '/maxLen', '/url']);
  assert.deepEqual(validateTargetSpec({ kind: 'redis', url: 'redis://h', command: 'publish', key: 'c', mode: 'binary', maxLen: 5 }, '').map((x) => x.path).sort(), ['/maxLen', '/mode']);
  assert.deepEqual(validateTargetSpec({ kind: 'redis', url: 'redis://h', command: 'eval', key: 'c' }, '').map((x) => x.path), ['/command']);
});

/** A proxy to the local Redis that, once frozen, keeps its connections open but forwards nothing: a server that stopped answering. */
async function freezableProxy(): Promise<{ port: number; freeze: () => void; close: () => Promise<void> }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const up = connect(6379, '127.0.0.1');
    sockets.add(client).add(up);
    client.on('data', (d) => { if (!frozen) up.write(d); });
    up.on('data', (d) => { if (!frozen) client.write(d); });
    for (const s of [client, up]) s.on('error', () => undefined).on('close', () => { client.destroy(); up.destroy(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => { frozen = true; },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('redis target - a server that stops answering: the send times out (retried), the connection is dropped, an abort ends a waiting send', async () => {
  const proxy = await freezableProxy();
  const key = streamKey();
  const t = createTarget({ id: 't', kind: 'redis', url: `redis://127.0.0.1:${proxy.port}`, key, timeoutMs: 300 }, world.deps());
  try {
    const signal = new AbortController().signal;
    assert.equal((await t.send([contractMessage()], signal)).type, 'delivered');
    proxy.freeze();
    const o = await t.send([contractMessage()], signal);
    assert.equal(o.type, 'failed');
    assert.equal(o.type === 'failed' && o.errorClass, 'timeout', JSON.stringify(o));
    assert.ok(shouldRetry(DEFAULT_POLICY, o as Extract<typeof o, { type: 'failed' }>), 'a timeout is retried');
    // the next send opens a fresh connection (through the frozen proxy: it waits), and an abort ends it
    const ac = new AbortController();
    const waiting = t.send([contractMessage()], ac.signal);
    ac.abort();
    const a = await waiting;
    assert.deepEqual(a.type === 'failed' ? [a.errorClass, a.message] : a, ['network', 'aborted']);
  } finally {
    // the proxy first: a connect still waiting for the handshake's reply ends when its socket does
    await proxy.close();
    await t.close();
  }
});
