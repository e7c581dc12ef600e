// Broker targets end to end (docs/targets.md#message-brokers): rules put through the API with
// nats, redis, amqp, mqtt and postgres targets deliver to the machine's real brokers; the
// broker going away (a TCP proxy the test stops) is retried by the engine until it returns.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, type RedisClientType } from '@redis/client';
import pg from 'pg';
import { call, ce, until } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { FAST_RETRY, putEvents, putRule, untilFinal } from './_delivery-receiver.js';
import { requireService, tcpProxy, uniqueName } from '../../src/delivery/targets/brokers/test-support.contract.js';

let t: TestServer;
let redis: RedisClientType;
let db: pg.Client;
const keys: string[] = [];
const tables: string[] = [];

before(async () => {
  for (const [name, port] of [['Redis', 6379], ['PostgreSQL', 5432], ['NATS', 4222], ['RabbitMQ', 5672], ['Mosquitto', 1883]] as const) await requireService(name, port);
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  redis = createClient({ url: 'redis://127.0.0.1:6379' });
  redis.on('error', () => undefined);
  await redis.connect();
  db = new pg.Client('postgres://postgres@127.0.0.1:5432/test');
  await db.connect();
});
after(async () => {
  if (keys.length > 0) await redis.del(keys);
  for (const x of tables) await db.query(`DROP TABLE IF EXISTS ${x}`);
  redis.destroy();
  await db.end();
  await t.close();
});

test('broker targets - bad broker targets are refused when the rule is saved, one violation per problem', async () => {
  const a = await call<{ code: string; violations: { path: string; reason: string }[] }>(t.url, '/v1/buses/default/rules/bad-brokers', {
    method: 'PUT',
    json: {
      filter: { pattern: { type: ['x'] } },
      targets: [
        { id: 'n', kind: 'nats', url: 'nats://user:secret@h:4222', subject: 'a.>' },
        { id: 'a', kind: 'amqp', url: 'amqp://h', exchange: 'e x', routingKey: 'k', mandatory: 'yes' },
        { id: 'r', kind: 'redis', url: 'redis://h', key: 'k.${nope}', maxLen: -1 },
        { id: 'm', kind: 'mqtt', url: 'mqtt://h', topic: 'a/#', qos: 2 },
        { id: 'p', kind: 'postgres', url: 'postgres://h/db', table: 'x;drop', columns: { c: '$..[' } },
      ],
    },
  });
  assert.equal(a.status, 400, a.text);
  assert.equal(a.json.code, 'SWY_API_INVALID_TARGETS');
  assert.deepEqual(a.json.violations.map((v) => v.path).sort(), [
    '/targets/0/subject', '/targets/0/url',
    '/targets/1/exchange', '/targets/1/mandatory',
    '/targets/2/key', '/targets/2/maxLen',
    '/targets/3/qos', '/targets/3/topic',
    '/targets/4/columns/c', '/targets/4/table',
  ]);
  assert.ok(!a.text.includes('user:secret'), 'the URL with its credentials is not echoed');
});

test('broker targets - events reach a redis stream and a postgres table through a rule; the credentials stay in the connection', async () => {
  const key = uniqueName('swy:e2e');
  keys.push(key);
  const table = uniqueName('swy_e2e').toLowerCase();
  tables.push(table);
  await db.query(`CREATE TABLE ${table} (id text PRIMARY KEY, type text, body jsonb)`);
  const c = await call(t.url, '/v1/connections/pg-e2e', { method: 'PUT', json: { kind: 'basic', username: 'postgres', password: 'p@ss/word' } });
  assert.ok(c.status === 200 || c.status === 201, c.text);
  await putRule(t.url, 'default', 'to-brokers', {
    filter: { pattern: { type: ['e2e.broker'] } },
    targets: [
      { id: 'stream', kind: 'redis', url: 'redis://127.0.0.1:6379', key, retry: FAST_RETRY },
      { id: 'rows', kind: 'postgres', url: 'postgres://127.0.0.1:5432/test', connection: 'pg-e2e', table, columns: { id: '$.id', type: '$.type', body: '$.data' }, retry: FAST_RETRY },
    ],
  });
  await putEvents(t.url, 'default', [ce('b-1', { type: 'e2e.broker', data: { n: 1 } }), ce('b-2', { type: 'e2e.broker', data: { n: 2 } })]);
  await untilFinal(t.url, 'default', 'b-1', 'delivered');
  await untilFinal(t.url, 'default', 'b-2', 'delivered');
  const entries = (await redis.xRange(key, '-', '+')) ?? [];
  assert.deepEqual(entries.map((e) => (JSON.parse((e.message as Record<string, string>).data!) as { id: string }).id), ['b-1', 'b-2']);
  const rows = (await db.query<{ id: string; body: { n: number } }>(`SELECT id, body FROM ${table} ORDER BY id`)).rows;
  assert.deepEqual(rows.map((r) => [r.id, r.body.n]), [['b-1', 1], ['b-2', 2]]);
  const view = await call(t.url, '/v1/connections/pg-e2e');
  assert.ok(!view.text.includes('p@ss/word'), 'the password is never shown');
  const rule = await call(t.url, '/v1/buses/default/rules/to-brokers');
  assert.ok(!rule.text.includes('p@ss'), 'nor part of the rule');
});

test('broker targets - redis going down mid-load: the engine retries and every event is delivered once it returns', { timeout: 90_000 }, async () => {
  const key = uniqueName('swy:e2e-outage');
  keys.push(key);
  const proxy = await tcpProxy(6379);
  try {
    await putRule(t.url, 'default', 'outage', {
      filter: { pattern: { type: ['e2e.outage'] } },
      targets: [{ id: 'stream', kind: 'redis', url: `redis://127.0.0.1:${proxy.port}`, key, timeoutMs: 2000, retry: { ...FAST_RETRY, maxAttempts: 185 } }],
    });
    const ids = Array.from({ length: 40 }, (_, i) => `o-${i}`);
    await putEvents(t.url, 'default', ids.slice(0, 10).map((id) => ce(id, { type: 'e2e.outage' })));
    await until('the first events in the stream', async () => (await redis.xLen(key)) >= 5);
    await proxy.stop();
    await putEvents(t.url, 'default', ids.slice(10).map((id) => ce(id, { type: 'e2e.outage' })));
    // some attempts fail while the broker is away — on whichever events were in flight or sent
    // next: once five have failed the breaker holds the rest back (one probe per 30 s), so no
    // particular event is sure to have been tried
    const failedOn = async (id: string): Promise<boolean> => {
      const tr = await call<{ targets: { attempts: { ok: boolean }[] }[] }>(t.url, `/v1/buses/default/events/${id}/trace`);
      return tr.status === 200 && tr.json.targets.some((x) => x.attempts.some((a) => !a.ok));
    };
    await until('a failed attempt', async () => {
      for (const id of ids) if (await failedOn(id)) return true;
      return false;
    });
    await proxy.start();
    for (const id of ids) await untilFinal(t.url, 'default', id, 'delivered');
    const got = new Set(((await redis.xRange(key, '-', '+')) ?? []).map((e) => (JSON.parse((e.message as Record<string, string>).data!) as { id: string }).id));
    for (const id of ids) assert.ok(got.has(id), `${id} is in the stream`);
    // the target's connection is closed when its rule goes
    assert.ok(proxy.connections() > 0);
    const d = await call(t.url, '/v1/buses/default/rules/outage', { method: 'DELETE' });
    assert.ok(d.status === 204 || d.status === 200, d.text);
    await until('the target closed its connection', () => proxy.connections() === 0);
  } finally {
    await proxy.close();
  }
});
