import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { contractMessage, runTargetContract } from '../../targets.contract.js';
import { DEFAULT_POLICY, shouldRetry } from '../../engine/index.js';
import { createEvent } from '../../../events/index.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { eventually, requireService, sendThroughOutage, tcpProxy, uniqueName } from './test-support.contract.js';

// PostgreSQL on this machine trusts local connections; the user name comes from a basic connection.
const PG = 'postgres://127.0.0.1:5432/test';
const world = testWorld();
let db: pg.Client;
const tables: string[] = [];

before(async () => {
  await requireService('PostgreSQL', 5432);
  db = new pg.Client('postgres://postgres@127.0.0.1:5432/test');
  await db.connect();
  world.vault.put('pg', { kind: 'basic', username: 'postgres', password: 'unused-with-trust' });
});
after(async () => {
  for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
  await db.end();
  await world.close();
});

async function table(): Promise<string> {
  const name = uniqueName('swy_events').toLowerCase();
  await db.query(`CREATE TABLE ${name} (seq bigserial PRIMARY KEY, id text UNIQUE, type text, n int, body jsonb)`);
  tables.push(name);
  return name;
}

const ids = async (name: string): Promise<string[]> => (await db.query<{ id: string }>(`SELECT id FROM ${name} ORDER BY seq`)).rows.map((r) => r.id);
const insertSpec = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 't', kind: 'postgres', url: PG, connection: 'pg', table: name, columns: { id: '$.id', type: '$.type', n: '$.data.n', body: '$' }, ...extra,
});

{
  let name = '';
  runTargetContract({
    kind: 'postgres',
    healthy: async () => {
      name ||= await table();
      return createTarget(insertSpec(name), world.deps());
    },
    failing: async () => createTarget({ ...insertSpec('t'), url: 'postgres://127.0.0.1:1/test', timeoutMs: 2000 }, world.deps()),
    received: async () => ids(name),
    cleanup: async () => undefined,
  });
}

test('postgres - a row per message through the column mapping; objects as JSON; a retried delivery with onConflict ignore is one row', async () => {
  const name = await table();
  const t = createTarget(insertSpec(name, { onConflict: 'ignore' }), world.deps());
  try {
    const ev = createEvent({ id: 'p-1', source: 'urn:s', type: 't.x', data: { kind: 'json', value: { n: 7, text: "it's \"quoted\"; DROP TABLE x" } } });
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: ev } };
    assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    assert.equal((await t.send([{ ...m, attempt: 2 }], new AbortController().signal)).type, 'delivered');
    const rows = (await db.query<{ id: string; type: string; n: number; body: { data: { text: string } } }>(`SELECT id, type, n, body FROM ${name}`)).rows;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.type, 't.x');
    assert.equal(rows[0]!.n, 7);
    assert.equal(rows[0]!.body.data.text, "it's \"quoted\"; DROP TABLE x");
  } finally {
    await t.close();
  }
});

test('postgres - a value the column refuses is rejected (not retried); a duplicate without onConflict too; a missing table is config', async () => {
  const name = await table();
  const t = createTarget(insertSpec(name), world.deps());
  const missing = createTarget(insertSpec(`${name}_nope`), world.deps());
  try {
    const bad = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'p-2', source: 's', type: 't', data: { kind: 'json', value: { n: 'seven' } } }) } };
    const o = await t.send([bad], new AbortController().signal);
    assert.equal(o.type === 'failed' && o.errorClass, 'rejected', JSON.stringify(o));
    const m = contractMessage();
    assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    const dup = await t.send([m], new AbortController().signal);
    assert.equal(dup.type === 'failed' && dup.errorClass, 'rejected', JSON.stringify(dup));
    assert.match(dup.type === 'failed' ? dup.message : '', /^23505/);
    const x = await missing.send([contractMessage()], new AbortController().signal);
    assert.equal(x.type === 'failed' && x.errorClass, 'config', JSON.stringify(x));
  } finally {
    await t.close();
    await missing.close();
  }
});

test('postgres - NOTIFY sends the JSON event on a templated channel', async () => {
  const channel = uniqueName('swy_chan').toLowerCase();
  const got: string[] = [];
  const listener = new pg.Client('postgres://postgres@127.0.0.1:5432/test');
  await listener.connect();
  listener.on('notification', (n) => void (n.channel === `${channel}_orders` && got.push(n.payload ?? '')));
  await listener.query(`LISTEN ${channel}_orders`);
  const t = createTarget({ id: 't', kind: 'postgres', url: PG, connection: 'pg', channel: `${channel}_\${kind}`, variables: { kind: '$.data.kind' } }, world.deps());
  try {
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'n-1', source: 's', type: 't', data: { kind: 'json', value: { kind: 'orders' } } }) } };
    assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    await eventually(() => got.length === 1);
    assert.equal((JSON.parse(got[0]!) as { id: string }).id, 'n-1');
    const big = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'n-2', source: 's', type: 't', data: { kind: 'json', value: { kind: 'orders', pad: 'x'.repeat(9000) } } }) } };
    const o = await t.send([big], new AbortController().signal);
    assert.equal(o.type === 'failed' && o.errorClass, 'rejected');
  } finally {
    await t.close();
    await listener.end();
  }
});

test('postgres - the server going down mid-load: deliveries fail retryably, reconnect, and nothing is lost', { timeout: 60_000 }, async () => {
  const name = await table();
  const proxy = await tcpProxy(5432);
  const t = createTarget({ ...insertSpec(name, { onConflict: 'ignore' }), url: `postgres://127.0.0.1:${proxy.port}/test`, timeoutMs: 3000 }, world.deps());
  try {
    const ms = Array.from({ length: 30 }, () => contractMessage());
    const { failures } = await sendThroughOutage({ proxy, count: ms.length, send: (i) => t.send([ms[i]!], new AbortController().signal), retryable: (o) => shouldRetry(DEFAULT_POLICY, o) });
    assert.ok(failures >= 3, 'the outage was seen');
    assert.deepEqual(await ids(name), ms.map((m) => m.eventId), 'every message once, in order');
  } finally {
    await t.close();
    await proxy.close();
  }
});

test('postgres - a bad target is refused when the rule is saved, one violation per problem', () => {
  const v = validateTargetSpec({ kind: 'postgres', url: 'postgres://u:p@h/db', table: 'x; DROP TABLE y', columns: { 'a"b': '$.id', ok: 'not a path', fine: 3 }, onConflict: 'update' }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), ['/columns/a"b', '/columns/fine', '/columns/ok', '/onConflict', '/table', '/url']);
  assert.deepEqual(validateTargetSpec({ kind: 'postgres', url: 'postgres://h/db' }, '').map((x) => x.path), ['/table']);
  assert.deepEqual(validateTargetSpec({ kind: 'postgres', url: 'postgres://h/db', table: 't', channel: 'c' }, '').map((x) => x.path), ['/table']);
  assert.deepEqual(validateTargetSpec({ kind: 'postgres', url: 'postgres://h/db', channel: 'c', columns: {}, mode: 'binary' }, '').map((x) => x.path).sort(), ['/columns', '/mode']);
  assert.deepEqual(validateTargetSpec({ kind: 'postgres', url: 'postgres://h/db', table: 'a.b.c', columns: {} }, '').map((x) => x.path).sort(), ['/columns', '/table']);
});
