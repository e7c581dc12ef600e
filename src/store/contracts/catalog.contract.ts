// The catalog's contract, part 1: buses and rules (part 2, schemas and connections, is
// catalog-registry.contract.ts). Protected names are checked as they behave today.
import assert from 'node:assert/strict';
import type { RuleTarget } from '../../core/index.js';
import type { NewRule } from '../types.js';
import { coded, countsOf, item, newBus, routed, runCases, stored, target, type Case, type ContractOptions } from './contract.fixture.js';
import { registryCases } from './catalog-registry.contract.js';

const rule = (bus: string, name: string, extra: Partial<NewRule> = {}): NewRule =>
  ({ bus, name, description: null, state: 'enabled', filter: { pattern: { type: ['x'] } }, targets: [], ...extra });

const busCases: Case[] = [
  ['catalog - the default bus exists in a fresh store and cannot be deleted', async ({ store }) => {
    assert.equal((await store.catalog.buses.get('default'))?.name, 'default');
    await assert.rejects(async () => store.catalog.buses.delete('default'), coded('SWY_STORE_BUS_PROTECTED'));
    assert.equal((await store.catalog.buses.get('default'))?.name, 'default');
  }],

  ['catalog - the system bus cannot be deleted, whether or not it exists yet', async ({ store }) => {
    await assert.rejects(async () => store.catalog.buses.delete('switchyard.system'), coded('SWY_STORE_BUS_PROTECTED'));
    await store.catalog.buses.ensure(newBus('switchyard.system'));
    await assert.rejects(async () => store.catalog.buses.delete('switchyard.system'), coded('SWY_STORE_BUS_PROTECTED'));
  }],

  ['catalog - a bus is created with its description and retention at the clock time, and listed by name', async ({ store, clock }) => {
    const rec = await store.catalog.buses.create(newBus('orders', { description: 'Orders', retention: { maxAgeMs: 5000, maxCount: 10 } }));
    assert.deepEqual(rec, { name: 'orders', description: 'Orders', createdAt: clock.now(), retention: { maxAgeMs: 5000, maxCount: 10 }, nextSequence: 1 });
    await store.catalog.buses.create(newBus('audit'));
    assert.deepEqual(await store.catalog.buses.get('orders'), rec);
    assert.equal((await store.catalog.buses.get('audit'))?.description, null);
    assert.deepEqual((await store.catalog.buses.list()).map((b) => b.name), ['audit', 'default', 'orders']);
    assert.equal(await store.catalog.buses.get('nope'), undefined);
  }],

  ['catalog - a bus nextSequence follows its appends', async ({ store }) => {
    await store.events.append([item('default', 'a'), item('default', 'b')]);
    assert.equal((await store.catalog.buses.get('default'))?.nextSequence, 3);
  }],

  ['catalog - creating an existing bus is refused with SWY_STORE_BUS_EXISTS and changes nothing', async ({ store }) => {
    const rec = await store.catalog.buses.create(newBus('b', { description: 'first' }));
    await assert.rejects(async () => store.catalog.buses.create(newBus('b', { description: 'second' })), coded('SWY_STORE_BUS_EXISTS'));
    assert.deepEqual(await store.catalog.buses.get('b'), rec);
  }],

  ['catalog - update changes only the given fields of a bus, keeps its events and sequence, and is announced; an unknown bus is undefined', async ({ store }) => {
    const created = await store.catalog.buses.create(newBus('upd', { description: 'first', retention: { maxAgeMs: 60_000, maxCount: null } }));
    await store.events.append([item('upd', 'a')]);
    const seen: string[] = [];
    const unwatch = store.catalog.watch((c) => void seen.push(`${c.type}:${c.op}:${'bus' in c ? c.bus : ''}`));
    try {
      const a = await store.catalog.buses.update('upd', { description: 'second' });
      assert.deepEqual(a, { ...created, description: 'second', nextSequence: 2 });
      const b = await store.catalog.buses.update('upd', { retention: { maxAgeMs: null, maxCount: 10 } });
      assert.deepEqual(b?.retention, { maxAgeMs: null, maxCount: 10 });
      assert.equal(b?.description, 'second');
      assert.equal((await store.catalog.buses.update('upd', { description: null }))?.description, null);
      assert.deepEqual(await store.catalog.buses.get('upd'), { ...created, description: null, retention: { maxAgeMs: null, maxCount: 10 }, nextSequence: 2 });
      assert.equal(await store.catalog.buses.update('nope', { description: 'x' }), undefined);
      assert.equal(await store.catalog.buses.get('nope'), undefined);
    } finally {
      unwatch();
    }
    assert.deepEqual(seen, ['bus:put:upd', 'bus:put:upd', 'bus:put:upd']);
  }],

  ['catalog - ensure creates a missing bus and returns an existing one unchanged', async ({ store, clock }) => {
    const a = await store.catalog.buses.ensure(newBus('b', { description: 'first' }));
    clock.advance(10);
    const b = await store.catalog.buses.ensure(newBus('b', { description: 'second' }));
    assert.deepEqual(b, a);
  }],

  ['catalog - deleting a bus removes its events, rules, schema settings and dedupe entries; recreating it starts at sequence 1', async ({ store }) => {
    await store.catalog.buses.create(newBus('tmp'));
    await store.events.append([item('tmp', 'a')]);
    await store.catalog.rules.put(rule('tmp', 'r1'));
    await store.catalog.schemas.setSettings({ bus: 'tmp', validation: 'enforce', discovery: true, sampleRate: 0.5 });
    assert.equal(await store.catalog.buses.delete('tmp'), true);
    assert.equal(await store.catalog.buses.delete('tmp'), false);
    assert.equal(await store.catalog.buses.get('tmp'), undefined);
    await store.catalog.buses.create(newBus('tmp'));
    assert.equal(await store.events.count('tmp'), 0);
    assert.deepEqual(await store.catalog.rules.list('tmp'), []);
    assert.equal((await store.catalog.schemas.settings('tmp')).validation, 'off');
    assert.equal(stored((await store.events.append([item('tmp', 'a')]))[0]), 1, 'the same (source, id) is new on the new bus');
  }],

  ['catalog - deleting a bus removes its deliveries and dead letters: a recreated bus never inherits them', async ({ store, clock }) => {
    const t1 = target('t1', 'r', 'tmp');
    await store.catalog.buses.create(newBus('tmp'));
    await store.events.append([routed('tmp', 'a', ['t1']), routed('tmp', 'b', ['t1'])]);
    const now = clock.now();
    const [a] = await store.deliveries.lease(t1, now, now + 1000, 1);
    await store.deliveries.complete([{ type: 'dead', id: a!.id, lease: a!.lease, attempt: null, reason: 'x', payload: null }], now);
    await store.deliveries.setHealth(t1, { failingSince: now, disabledAt: null });
    await store.catalog.buses.delete('tmp');
    await store.catalog.buses.create(newBus('tmp'));
    const seq = stored((await store.events.append([item('tmp', 'z')]))[0]);
    assert.deepEqual(await store.observe.deliveries('tmp', seq), [], 'the new event shows no delivery of the deleted one');
    assert.deepEqual(await store.deliveries.lease(t1, now + 1000, now + 2000, 10), [], 'no delivery carries the new event under an old id');
    assert.deepEqual(await store.deliveries.listDead({ bus: 'tmp' }, 10), { items: [] });
    assert.deepEqual(await countsOf(store, t1), { pending: 0, inFlight: 0, dead: 0 });
    assert.equal(await store.deliveries.health(t1), undefined);
  }],
];

const ruleCases: Case[] = [
  ['catalog - a rule is created, then replaced keeping createdAt; created tells which', async ({ store, clock }) => {
    const a = await store.catalog.rules.put(rule('default', 'r1'));
    assert.equal(a.created, true);
    assert.deepEqual(a.rule, { bus: 'default', name: 'r1', description: null, state: 'enabled', filter: { pattern: { type: ['x'] } }, targets: [], createdAt: clock.now(), updatedAt: clock.now() });
    clock.advance(5);
    // Stored and read back as given (the delivery layer validated them): numbers and nesting round-trip.
    const targets: RuleTarget[] = [{ id: 't', kind: 'http', url: 'http://127.0.0.1:1/x', headers: { n: '1.5' }, transform: { type: 'constant', value: { a: [null, true, 1.5] } } }];
    const b = await store.catalog.rules.put(rule('default', 'r1', { description: 'd', state: 'disabled', filter: { sql: 'true' }, targets }));
    assert.equal(b.created, false);
    assert.equal(b.rule.createdAt, a.rule.createdAt);
    assert.equal(b.rule.updatedAt, a.rule.createdAt + 5);
    assert.deepEqual(await store.catalog.rules.get('default', 'r1'), b.rule);
    assert.deepEqual((await store.catalog.rules.get('default', 'r1'))?.targets, targets, 'filter and targets round-trip as JSON');
  }],

  ['catalog - rules are listed per bus by name, or all by bus then name', async ({ store }) => {
    await store.catalog.buses.create(newBus('shop'));
    for (const [bus, name] of [['shop', 'b'], ['default', 'z'], ['shop', 'a']] as const) await store.catalog.rules.put(rule(bus, name));
    assert.deepEqual((await store.catalog.rules.list('shop')).map((r) => r.name), ['a', 'b']);
    assert.deepEqual((await store.catalog.rules.list()).map((r) => `${r.bus}/${r.name}`), ['default/z', 'shop/a', 'shop/b']);
    assert.deepEqual(await store.catalog.rules.list('nope'), []);
  }],

  ['catalog - a rule on a missing bus is refused', async ({ store }) => {
    await assert.rejects(async () => store.catalog.rules.put(rule('nope', 'r')));
    assert.deepEqual(await store.catalog.rules.list(), []);
  }],

  ['catalog - deleting a rule answers whether it existed; a rule of the same name on another bus stays', async ({ store }) => {
    await store.catalog.buses.create(newBus('shop'));
    await store.catalog.rules.put(rule('default', 'r'));
    await store.catalog.rules.put(rule('shop', 'r'));
    assert.equal(await store.catalog.rules.delete('default', 'r'), true);
    assert.equal(await store.catalog.rules.delete('default', 'r'), false);
    assert.equal(await store.catalog.rules.get('default', 'r'), undefined);
    assert.equal((await store.catalog.rules.get('shop', 'r'))?.name, 'r');
  }],

  ['catalog - a reopened store keeps buses and rules', async (c) => {
    await c.store.catalog.buses.create(newBus('shop', { retention: { maxAgeMs: 1, maxCount: 2 } }));
    const r = await c.store.catalog.rules.put(rule('shop', 'r'));
    const s = await c.reopen();
    assert.deepEqual((await s.catalog.buses.get('shop'))?.retention, { maxAgeMs: 1, maxCount: 2 });
    assert.deepEqual(await s.catalog.rules.get('shop', 'r'), r.rule);
  }],
];

/** Runs the catalog's contract (buses, rules, schemas, connections) against a backend. */
export function runCatalogContract(opts: ContractOptions): void {
  runCases('catalog', opts, [...busCases, ...ruleCases, ...registryCases]);
}
