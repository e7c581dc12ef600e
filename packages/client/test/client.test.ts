// @switchyard/client against a real in-process server (test/e2e/harness.ts): every route group,
// the typed errors, and the builder's filling of id/time/specversion.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/e2e/harness.js';
import { FAST_RETRY, startReceiver } from '../../../test/e2e/_delivery-receiver.js';
import { until } from '../../../test/e2e/_client.js';
import { ApiError, SwitchyardClient, cloudEvent } from '../src/index.js';

let t: TestServer;
let client: SwitchyardClient;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  client = new SwitchyardClient({ baseUrl: t.url });
});
after(async () => {
  await t.close();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('client buses - create, get, list, delete; a missing bus is an ApiError with its code', async () => {
  const b = await client.buses.create({ name: 'c-orders', description: 'orders', retention: { maxCount: 1000 } });
  assert.equal(b.name, 'c-orders');
  assert.deepEqual(b.retention, { maxAgeMs: null, maxCount: 1000 });
  assert.equal((await client.buses.get('c-orders')).description, 'orders');
  const u = await client.buses.update('c-orders', { description: null, retention: { maxAgeMs: 3_600_000 } });
  assert.deepEqual([u.description, u.retention], [null, { maxAgeMs: 3_600_000, maxCount: 1000 }]);
  assert.ok((await client.buses.list()).some((x) => x.name === 'c-orders'));
  await client.buses.delete('c-orders');
  const err = await client.buses.get('c-orders').catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.status, 404);
  assert.equal(err.code, 'SWY_STORE_BUS_NOT_FOUND');
  assert.match(err.detail ?? '', /c-orders/);
});

test('client errors - a validation problem carries one violation per problem', async () => {
  const err = await client.buses.create({ name: '-bad name-' }).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.status, 400);
  assert.ok(err.violations.length >= 1, JSON.stringify(err.problem));
  assert.ok(err.violations.every((v) => typeof v.path === 'string' && typeof v.reason === 'string'));
});

test('client events - put one, several, and builder-made events; a repeated (source, id) is a duplicate', async () => {
  await client.buses.create({ name: 'c-events' });
  const one = await client.events.put('c-events', { source: '/shop', type: 'order.created', data: { n: 1 } });
  assert.equal(one.length, 1);
  assert.match(one[0]!.id, /^[0-9a-f-]{36}$/, 'the id is filled with a UUID');
  const e = cloudEvent({ source: '/shop', type: 'order.paid', id: 'fixed-1', data: { n: 2 } });
  assert.equal(e.specversion, '1.0');
  assert.ok(!Number.isNaN(Date.parse(e.time!)));
  const many = await client.events.put('c-events', [e, { source: '/shop', type: 'order.created', data: { n: 3 } }]);
  assert.deepEqual(many.map((r) => r.sequence), [2, 3]);
  const again = await client.events.put('c-events', e);
  assert.equal(again[0]!.duplicate, true);

  const got = await client.events.get('c-events', 'fixed-1');
  assert.equal(got.sequence, 2);
  assert.deepEqual(got.event.data, { n: 2 });
  assert.equal(got.event.time, e.time);

  const page = await client.events.search('c-events', { type: 'order.created', limit: 1 });
  assert.equal(page.items.length, 1);
  assert.equal(page.next, 1);
  const all = await collect(client.events.searchAll('c-events', { type: 'order.created', limit: 1 }));
  assert.deepEqual(all.map((x) => x.sequence), [1, 3]);
  const byPattern = await client.events.search('c-events', { pattern: { data: { n: [{ numeric: ['>', 1] }] } } });
  assert.deepEqual(byPattern.items.map((x) => x.sequence), [2, 3]);

  const multi = await client.events.putEntries([{ bus: 'c-events', source: '/x', type: 't', id: 'm1' }, { bus: 'c-nope', source: '/x', type: 't' }]);
  assert.equal(multi.failedCount, 1);
  assert.equal(multi.results[0]!.error, undefined);
  assert.equal(typeof multi.results[1]!.error?.code, 'string');
});

test('client rules - put, get, list, disable, enable, test a pattern, delete; trace explains', async () => {
  await client.buses.create({ name: 'c-rules' });
  const r = await client.rules.put('c-rules', 'big', { filter: { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } }, targets: [{ id: 'l', kind: 'log' }] });
  assert.equal(r.state, 'enabled');
  assert.deepEqual(r.targets, [{ id: 'l', kind: 'log' }]);
  assert.equal((await client.rules.get('c-rules', 'big')).name, 'big');
  assert.deepEqual((await client.rules.list('c-rules')).map((x) => x.name), ['big']);
  assert.equal((await client.rules.disable('c-rules', 'big')).state, 'disabled');
  assert.equal((await client.rules.enable('c-rules', 'big')).state, 'enabled');

  const yes = await client.rules.test(r.filter, { specversion: '1.0', id: '1', source: '/s', type: 'order.created', data: { total: 200 } });
  assert.equal(yes.match, true);
  const no = await client.rules.test(r.filter, { specversion: '1.0', id: '1', source: '/s', type: 'order.created', data: { total: 5 } });
  assert.equal(no.match, false);
  assert.ok(no.reason !== undefined);

  await client.events.put('c-rules', { id: 'e1', source: '/s', type: 'order.created', data: { total: 200 } });
  const tr = await client.events.trace('c-rules', 'e1', { explain: true });
  assert.deepEqual(tr.rules.matched, ['big']);
  assert.equal(tr.sequence, 1);
  assert.equal(tr.timeline[0]!.step, 'received');

  const states = await client.targets.state('c-rules', 'big');
  assert.equal(states[0]!.id, 'l');
  assert.equal(states[0]!.state, 'enabled');
  const enabled = await client.targets.enable('c-rules', 'big', 'l');
  assert.equal(enabled.health, 'healthy');

  const bad = await client.rules.put('c-rules', 'bad', { filter: { pattern: { type: 'not-an-array' } } }).catch((e: unknown) => e);
  assert.ok(bad instanceof ApiError && bad.status === 400, String(bad));
  await client.rules.delete('c-rules', 'big');
  assert.deepEqual(await client.rules.list('c-rules'), []);
  const gone = await client.rules.get('c-rules', 'big').catch((e: unknown) => e);
  assert.ok(gone instanceof ApiError && gone.code === 'SWY_API_RULE_NOT_FOUND');
});

test('client connections - put (secret masked), get, list, delete', async () => {
  const c = await client.connections.put('crm', { kind: 'basic', username: 'u', password: 'p4ss', description: 'CRM' });
  assert.equal(c.kind, 'basic');
  assert.ok(c.kind === 'basic' && c.password === '***');
  assert.equal((await client.connections.get('crm')).description, 'CRM');
  assert.deepEqual((await client.connections.list()).map((x) => x.name), ['crm']);
  await client.connections.delete('crm');
  const err = await client.connections.get('crm').catch((e: unknown) => e);
  assert.ok(err instanceof ApiError && err.code === 'SWY_DELIVERY_CONNECTION_NOT_FOUND');
});

test('client sources - put (no secret shown), get with status and counters, pause, resume, list, delete', async () => {
  await client.connections.put('gh', { kind: 'basic', username: 'u', password: 'p4ss' });
  const s = await client.sources.put('gh', { kind: 'webhook', bus: 'default', verify: { kind: 'basic', connection: 'gh' }, mapping: { preset: 'github' } });
  assert.deepEqual([s.kind, s.status.state, s.counters.received, s.webhookPath], ['webhook', 'running', 0, '/v1/sources/gh/webhook']);
  assert.deepEqual((await client.sources.get('gh')).verify, { kind: 'basic', connection: 'gh' });
  assert.equal((await client.sources.pause('gh')).state, 'paused');
  assert.equal((await client.sources.resume('gh')).status.state, 'running');
  assert.deepEqual((await client.sources.list()).map((x) => x.name), ['gh']);
  const bad = await client.sources.put('x', { kind: 'webhook', bus: 'default' }).catch((e: unknown) => e);
  assert.ok(bad instanceof ApiError && bad.code === 'SWY_SOURCE_INVALID');
  await client.sources.delete('gh');
  await client.connections.delete('gh');
  const gone = await client.sources.get('gh').catch((e: unknown) => e);
  assert.ok(gone instanceof ApiError && gone.code === 'SWY_SOURCE_NOT_FOUND');
});

test('client schemas - versions, compatibility, code, sample, settings, AsyncAPI, delete', async () => {
  const schema = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };
  const v1 = await client.schemas.addVersion('shop.order', { schema });
  assert.equal(v1.version, 1);
  assert.equal((await client.schemas.get('shop.order')).latestVersion, 1);
  const c = await client.schemas.checkCompatibility('shop.order', { schema: { ...schema, required: ['id', 'extra'] } });
  assert.equal(c.compatible, false);
  assert.ok(c.breaks.length > 0);
  const err = await client.schemas.addVersion('shop.order', { schema: { ...schema, required: ['id', 'extra'] } }).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError && err.status === 409, String(err));
  assert.deepEqual((await client.schemas.versions('shop.order')).map((v) => v.version), [1]);
  assert.equal((await client.schemas.version('shop.order', 'latest')).version, 1);
  assert.match(await client.schemas.code('shop.order', 1), /interface|type /);
  assert.match(await client.schemas.code('shop.order', 1, { lang: 'python' }), /class /);
  const sample = await client.schemas.sample('shop.order', 1);
  assert.equal(sample.type, 'shop.order');
  assert.equal((await client.schemas.put('shop.order', { description: 'orders' })).description, 'orders');
  assert.ok((await client.schemas.list()).some((s) => s.name === 'shop.order'));
  const s = await client.schemas.setSettings('default', { validation: 'warn' });
  assert.equal(s.validation, 'warn');
  assert.equal((await client.schemas.settings('default')).validation, 'warn');
  await client.schemas.setSettings('default', { validation: 'off' });
  const doc = await client.schemas.asyncapi('default');
  assert.equal(doc.asyncapi, '3.0.0');
  await client.schemas.delete('shop.order');
  assert.ok(!(await client.schemas.list()).some((x) => x.name === 'shop.order'));
});

test('client dead letters and signing secrets - a refused delivery is listed, got, redriven, purged', async () => {
  let refuse = true;
  const rx = await startReceiver(() => ({ status: refuse ? 400 : 204, body: 'no' }));
  try {
    await client.buses.create({ name: 'c-dead' });
    await client.rules.put('c-dead', 'hook', { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'h', kind: 'http', url: `${rx.url}/hook`, retry: FAST_RETRY }] });
    const secrets = await client.targets.signingSecrets('c-dead', 'hook', 'h');
    assert.match(secrets[0]!.secret, /^whsec_/);
    const rotated = await client.targets.rotateSigningSecret('c-dead', 'hook', 'h', { overlapMs: 60_000 });
    assert.equal(rotated.length, 2);
    await client.events.put('c-dead', [{ id: 'd1', source: '/s', type: 'x' }, { id: 'd2', source: '/s', type: 'x' }]);
    await until('two dead letters', async () => (await client.deadLetters.list({ bus: 'c-dead' })).items.length === 2);
    const page = await client.deadLetters.list({ bus: 'c-dead', limit: 1 });
    assert.equal(page.items.length, 1);
    assert.equal(typeof page.next, 'string', 'dead-letter cursors are opaque text');
    const all = await collect(client.deadLetters.listAll({ bus: 'c-dead', from: new Date(0) }));
    assert.deepEqual(all.map((d) => d.eventId), ['d1', 'd2']);
    const full = await client.deadLetters.get(all[0]!.id);
    assert.equal(full.event?.id, 'd1');
    assert.equal(full.attemptLog[0]!.status, 400);
    refuse = false;
    assert.equal(await client.deadLetters.redrive({ ids: [all[0]!.id] }), 1);
    await until('d1 delivered', async () => (await client.events.trace('c-dead', 'd1')).finalState === 'delivered');
    assert.equal(await client.deadLetters.purge({ filter: { bus: 'c-dead' } }), 1);
    assert.deepEqual((await client.deadLetters.list({ bus: 'c-dead' })).items, []);
    const err = await client.deadLetters.get(all[1]!.id).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.code === 'SWY_DELIVERY_DEAD_LETTER_NOT_FOUND');
  } finally {
    await rx.close();
  }
});

test('client transforms - a transformer runs once on an event', async () => {
  const out = await client.testTransform({ type: 'constant', value: { hi: 1 } }, { specversion: '1.0', id: '1', source: '/s', type: 't' });
  assert.deepEqual(out.output, { hi: 1 });
});

test('client auth - the API key is sent as a bearer token; a wrong one is a 401 ApiError', async () => {
  const s = await startTestServer({ auth: { apiKeys: { 'a-long-enough-api-key-0001': ['admin'] } } });
  try {
    const ok = new SwitchyardClient({ baseUrl: s.url, apiKey: 'a-long-enough-api-key-0001' });
    assert.ok((await ok.buses.list()).length >= 1);
    const bad = new SwitchyardClient({ baseUrl: s.url, apiKey: 'bad' });
    const err = await bad.buses.list().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.status === 401 && err.code === 'SWY_API_UNAUTHORIZED');
  } finally {
    await s.close();
  }
});


test('client catalog - the event catalogue lists each (source, type) with its count, page by page', async () => {
  await client.buses.create({ name: 'c-catalog' });
  await client.events.put('c-catalog', [
    { source: 'urn:c', type: 'cat.a', data: { n: 1 } }, { source: 'urn:c', type: 'cat.a', data: { n: 2 } }, { source: 'urn:c', type: 'cat.b' },
  ]);
  const page = await client.catalog.list({ bus: 'c-catalog', limit: 1 });
  assert.equal(page.items.length, 1);
  assert.equal(typeof page.next, 'string');
  const all = await collect(client.catalog.listAll({ bus: 'c-catalog' }));
  assert.deepEqual(all.map((e) => [e.type, e.count]), [['cat.a', 2], ['cat.b', 1]]);
  assert.deepEqual(all[0]?.sample.event?.data, { n: 2 });
  assert.equal(all[0]?.schema, null);
});
