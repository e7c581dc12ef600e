import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock, type JsonValue } from '../core/index.js';
import { createEvent, type CloudEvent } from '../events/index.js';
import { CatalogView, SqliteStore, SYSTEM_BUS } from '../store/index.js';
import { IngestService } from './ingest-service.js';
import type { EventRouter } from './router.js';
import type { EventValidator } from './validator.js';

const ev = (id: string, data: JsonValue = { n: 1 }, type = 'order.created'): CloudEvent =>
  createEvent({ id, source: 'urn:test', type, data: { kind: 'json', value: data } });

/** Every event of type `order.created` matches rule r1; events whose data has `bad` break their schema (enforce). */
const router: EventRouter = { route: (_bus, e) => (e.type === 'order.created' ? ['r1'] : []) };
const validator: EventValidator = {
  check: (_bus, e) => (e.data.kind === 'json' && typeof e.data.value === 'object' && e.data.value !== null && 'bad' in e.data.value
    ? { mode: 'enforce', schema: 's@1', violations: [{ path: '/data/bad', reason: 'not allowed' }] }
    : undefined),
};

describe('ingest service - put', () => {
  let store: SqliteStore;
  let ingest: IngestService;
  before(async () => {
    store = new SqliteStore({
      dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 60_000,
      defaultRetentionMaxAgeMs: 86_400_000, sweepBatch: 1000, clock: systemClock,
    });
    for (const name of ['orders', 'audit', SYSTEM_BUS]) await store.catalog.buses.create({ name, retention: { maxAgeMs: null, maxCount: null } });
    ingest = new IngestService({ store, buses: await CatalogView.open(store.catalog), router, validator, limits: { maxEventBytes: 2048, maxBatchEvents: 100, maxJsonDepth: 8 } });
  });
  after(async () => {
    await store.close();
  });

  test('put - http origin: stored with the rules matched, recorded with its mode, client and traceparent; again a duplicate', async () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const origin = { kind: 'http', mode: 'structured', client: '10.0.0.7', traceparent: tp } as const;
    const [o] = await ingest.put('orders', [ev('h-1')], origin);
    assert.equal(o?.type, 'stored');
    const seq = o?.type === 'stored' ? o.sequence : -1;
    const stored = (await store.events.get('orders', 'h-1'));
    assert.equal(stored?.mode, 'structured');
    assert.deepEqual(stored?.matchedRules, ['r1']);
    assert.deepEqual((await store.observe.origin('orders', seq)), { client: '10.0.0.7', traceparent: tp });
    assert.deepEqual(await ingest.put('orders', [ev('h-1')], origin), [{ type: 'duplicate', id: 'h-1', source: 'urn:test', sequence: seq }]);
  });

  test('put - bus-target origin: stored as forwarded by Switchyard (client "switchyard", mode batch), rules of the target bus apply', async () => {
    const [o] = await ingest.put('audit', [ev('b-1')], { kind: 'bus-target', bus: 'orders', rule: 'r1', target: 'to-audit' }, { atomic: true });
    assert.equal(o?.type, 'stored');
    const stored = (await store.events.get('audit', 'b-1'));
    assert.equal(stored?.mode, 'batch');
    assert.deepEqual(stored?.matchedRules, ['r1']);
    assert.deepEqual((await store.observe.origin('audit', stored!.sequence)), { client: 'switchyard', traceparent: null });
  });

  test('put - system origin is the only one that may write the system bus', async () => {
    const [o] = await ingest.put(SYSTEM_BUS, [ev('s-1', { n: 1 }, 'switchyard.rule.created')], { kind: 'system' });
    assert.equal(o?.type, 'stored');
    assert.equal((await store.events.get(SYSTEM_BUS, 's-1'))?.mode, 'put-events');
    for (const origin of [{ kind: 'http', mode: 'binary' }, { kind: 'bus-target', bus: 'orders', rule: 'r', target: 't' }] as const) {
      await assert.rejects(ingest.put(SYSTEM_BUS, [ev('s-2')], origin), { code: 'SWY_INGEST_SYSTEM_BUS', status: 403 });
    }
    assert.equal((await store.events.get(SYSTEM_BUS, 's-2')), undefined);
  });

  test('put - a schema refusal stands alone by default; atomic withholds the rest of the put', async () => {
    const origin = { kind: 'http', mode: 'put-events' } as const;
    const alone = await ingest.put('orders', [ev('v-1'), ev('v-2', { bad: true })], origin);
    assert.deepEqual(alone.map((o) => o.type), ['stored', 'refused']);
    assert.deepEqual(alone[1]?.type === 'refused' && alone[1].violations, [{ path: '/data/bad', reason: 'not allowed' }]);
    const atomic = await ingest.put('orders', [ev('v-3'), ev('v-4', { bad: true })], { kind: 'bus-target', bus: 'x', rule: 'r', target: 't' }, { atomic: true });
    assert.deepEqual(atomic.map((o) => o.type), ['withheld', 'refused']);
    assert.equal((await store.events.get('orders', 'v-3')), undefined);
  });

  test('put - events built in code are held to the size and depth limits the HTTP decoders enforce', async () => {
    const origin = { kind: 'bus-target', bus: 'orders', rule: 'r', target: 't' } as const;
    let deep: JsonValue = 1;
    for (let i = 0; i < 8; i++) deep = [deep];
    const out = await ingest.put('audit', [ev('l-1', { s: 'x'.repeat(4096) }), ev('l-2', deep), ev('l-3')], origin);
    assert.deepEqual(out.map((o) => (o.type === 'refused' ? o.code : o.type)), ['SWY_EVENT_TOO_LARGE', 'SWY_EVENT_TOO_DEEP', 'stored']);
    let shallow: JsonValue = 1;
    for (let i = 0; i < 7; i++) shallow = [shallow];
    assert.equal((await ingest.put('audit', [ev('l-4', shallow)], origin))[0]?.type, 'stored', 'data at the limit (event object + 7 levels) is taken');
  });

  test('put - a missing bus refuses its events; an empty put on it throws', async () => {
    const out = await ingest.put('nope', [ev('m-1')], { kind: 'system' });
    assert.deepEqual(out.map((o) => (o.type === 'refused' ? o.code : o.type)), ['SWY_STORE_BUS_NOT_FOUND']);
    await assert.rejects(ingest.put('nope', [], { kind: 'system' }), { code: 'SWY_STORE_BUS_NOT_FOUND' });
  });

  test('putHttp - decodes and puts all or none: a schema violation refuses the batch with paths by index', async () => {
    const body = Buffer.from(JSON.stringify([
      { specversion: '1.0', id: 'p-1', source: 'urn:test', type: 'order.created', data: { n: 1 } },
      { specversion: '1.0', id: 'p-2', source: 'urn:test', type: 'order.created', data: { bad: 1 } },
    ]));
    await assert.rejects(ingest.putHttp('orders', { contentType: 'application/cloudevents-batch+json', headers: {}, body }), {
      code: 'SWY_SCHEMA_VALIDATION_FAILED', violations: [{ path: '/1/data/bad', reason: 'not allowed' }],
    });
    assert.equal((await store.events.get('orders', 'p-1')), undefined);
    await assert.rejects(ingest.putHttp(SYSTEM_BUS, { contentType: 'application/cloudevents-batch+json', headers: {}, body }), { code: 'SWY_INGEST_SYSTEM_BUS' });
  });

  test('putEntries - entries on several buses each get their own result; the system bus is refused per entry', async () => {
    const e = (id: string, bus?: string, data: JsonValue = { n: 1 }): Record<string, unknown> => ({ ...(bus === undefined ? {} : { bus }), specversion: '1.0', id, source: 'urn:test', type: 'order.created', data });
    await store.catalog.buses.ensure({ name: 'default', retention: { maxAgeMs: null, maxCount: null } });
    const r = await ingest.putEntries([e('e-1', 'orders'), e('e-2', SYSTEM_BUS), e('e-3', 'audit'), e('e-4', 'orders', { bad: 1 }), e('e-5')], { client: '10.0.0.9' });
    assert.equal(r.failedCount, 2);
    assert.deepEqual(r.results.map((x) => ('error' in x ? x.error.code : x.id)), ['e-1', 'SWY_INGEST_SYSTEM_BUS', 'e-3', 'SWY_SCHEMA_VALIDATION_FAILED', 'e-5']);
    assert.deepEqual('error' in r.results[3]! ? r.results[3].error.violations : undefined, [{ path: '/entries/3/data/bad', reason: 'not allowed' }]);
    assert.equal((await store.events.get('default', 'e-5'))?.mode, 'put-events');
  });
});
