// The catalog's contract, part 2: the schema registry's storage and connections with target
// signing secrets. Run by runCatalogContract (catalog.contract.ts).
import assert from 'node:assert/strict';
import type { NewConnection } from '../connection-types.js';
import { item, newBus, stored, type Case } from './contract.fixture.js';

const conn = (name: string, extra: Partial<NewConnection> = {}): NewConnection =>
  ({ name, kind: 'basic', description: null, config: { username: 'u' }, sealed: 'sealed:1', ...extra });

const schemaCases: Case[] = [
  ['catalog - schema versions are numbered 1, 2, ... per (name, source) scope', async ({ store, clock }) => {
    await store.catalog.schemas.upsert({ name: 'order.created', source: null });
    await store.catalog.schemas.upsert({ name: 'order.created', source: 'shop', compatibility: 'NONE' });
    const v1 = await store.catalog.schemas.addVersion({ name: 'order.created', source: null, dialect: '2020-12', schema: { type: 'object' }, origin: 'api' });
    assert.deepEqual(v1, { name: 'order.created', source: null, version: 1, dialect: '2020-12', schema: { type: 'object' }, origin: 'api', createdAt: clock.now() });
    assert.equal((await store.catalog.schemas.addVersion({ name: 'order.created', source: null, dialect: 'draft-07', schema: true, origin: 'discovery' })).version, 2);
    assert.equal((await store.catalog.schemas.addVersion({ name: 'order.created', source: 'shop', dialect: '2020-12', schema: {}, origin: 'api' })).version, 1);
    assert.equal((await store.catalog.schemas.get('order.created', null))?.latestVersion, 2);
    assert.equal((await store.catalog.schemas.get('order.created', 'shop'))?.latestVersion, 1);
    assert.deepEqual((await store.catalog.schemas.versions('order.created', null)).map((v) => [v.version, v.dialect, v.origin]), [[1, '2020-12', 'api'], [2, 'draft-07', 'discovery']]);
    assert.deepEqual((await store.catalog.schemas.version('order.created', 'shop', 1))?.schema, {});
    assert.equal(await store.catalog.schemas.version('order.created', 'shop', 2), undefined);
  }],

  ['catalog - a schema is created with no version and the BACKWARD default; upsert keeps description and mode unless given', async ({ store, clock }) => {
    const a = await store.catalog.schemas.upsert({ name: 'a', source: null, description: 'first', compatibility: 'FULL' });
    assert.deepEqual(a, { created: true, schema: { name: 'a', source: null, description: 'first', compatibility: 'FULL', latestVersion: 0, createdAt: clock.now(), updatedAt: clock.now() } });
    clock.advance(3);
    const { schema, created } = await store.catalog.schemas.upsert({ name: 'a', source: null });
    assert.equal(created, false);
    assert.deepEqual([schema.description, schema.compatibility, schema.createdAt, schema.updatedAt], ['first', 'FULL', a.schema.createdAt, a.schema.createdAt + 3]);
    assert.equal((await store.catalog.schemas.upsert({ name: 'a', source: null, description: null })).schema.description, null);
    assert.equal((await store.catalog.schemas.upsert({ name: 'b', source: null })).schema.compatibility, 'BACKWARD');
  }],

  ['catalog - a version of a missing schema is refused', async ({ store }) => {
    await assert.rejects(async () => store.catalog.schemas.addVersion({ name: 'missing', source: null, dialect: '2020-12', schema: {}, origin: 'api' }));
    assert.deepEqual(await store.catalog.schemas.versions('missing', null), []);
  }],

  ['catalog - schemas are listed by name then source; deleting one removes its versions only', async ({ store }) => {
    for (const [name, source] of [['b', null], ['a', 'x'], ['a', null]] as const) {
      await store.catalog.schemas.upsert({ name, source });
      await store.catalog.schemas.addVersion({ name, source, dialect: '2020-12', schema: {}, origin: 'api' });
    }
    assert.deepEqual((await store.catalog.schemas.list()).map((s) => `${s.name}:${s.source}`), ['a:null', 'a:x', 'b:null']);
    assert.equal(await store.catalog.schemas.delete('a', null), true);
    assert.equal(await store.catalog.schemas.delete('a', null), false);
    assert.equal(await store.catalog.schemas.get('a', null), undefined);
    assert.equal(await store.catalog.schemas.version('a', null, 1), undefined);
    assert.equal((await store.catalog.schemas.version('a', 'x', 1))?.version, 1);
  }],

  ['catalog - bus schema settings default to off and round-trip', async ({ store }) => {
    assert.deepEqual(await store.catalog.schemas.settings('default'), { bus: 'default', validation: 'off', discovery: false, sampleRate: 1 });
    await store.catalog.buses.create(newBus('b'));
    const s = { bus: 'b', validation: 'warn', discovery: true, sampleRate: 0.5 } as const;
    assert.deepEqual(await store.catalog.schemas.setSettings(s), s);
    assert.deepEqual(await store.catalog.schemas.settings('b'), s);
    assert.deepEqual(await store.catalog.schemas.setSettings({ ...s, validation: 'enforce' }), { ...s, validation: 'enforce' });
  }],

  ['catalog - an invalid mark is kept per event and goes away with its event', async ({ store }) => {
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: null, maxCount: 1 } }));
    const [o] = await store.events.append([item('b', '1')]);
    const seq = stored(o);
    const violations = [{ path: '/data/x', reason: 'must be integer' }];
    await store.catalog.schemas.markInvalid({ bus: 'b', sequence: seq, schema: 'urn:switchyard:schema:t:1', violations });
    assert.deepEqual(await store.catalog.schemas.invalid('b', seq), { bus: 'b', sequence: seq, schema: 'urn:switchyard:schema:t:1', violations, checkedAt: (await store.events.get('b', '1'))!.receivedAt });
    assert.equal(await store.catalog.schemas.invalid('b', seq + 1), undefined);
    await store.events.append([item('b', '2')]);
    await store.housekeeping!.sweepRetention();
    assert.equal(await store.catalog.schemas.invalid('b', seq), undefined);
  }],
];

const connectionCases: Case[] = [
  ['catalog - a connection is created, then replaced keeping createdAt; created tells which', async ({ store, clock }) => {
    const a = await store.catalog.connections.put(conn('c', { config: { username: 'u', nested: { n: 1 } } }));
    assert.equal(a.created, true);
    assert.deepEqual(a.connection, { name: 'c', kind: 'basic', description: null, config: { username: 'u', nested: { n: 1 } }, sealed: 'sealed:1', createdAt: clock.now(), updatedAt: clock.now() });
    clock.advance(7);
    const b = await store.catalog.connections.put(conn('c', { kind: 'apiKey', description: 'd', config: { header: 'x-key' }, sealed: 'sealed:2' }));
    assert.equal(b.created, false);
    assert.deepEqual(b.connection, { name: 'c', kind: 'apiKey', description: 'd', config: { header: 'x-key' }, sealed: 'sealed:2', createdAt: a.connection.createdAt, updatedAt: a.connection.createdAt + 7 });
    assert.deepEqual(await store.catalog.connections.get('c'), b.connection);
  }],

  ['catalog - connections are listed by name; deleting one answers whether it existed', async ({ store }) => {
    for (const n of ['b', 'a', 'c']) await store.catalog.connections.put(conn(n));
    assert.deepEqual((await store.catalog.connections.list()).map((c) => c.name), ['a', 'b', 'c']);
    assert.equal(await store.catalog.connections.delete('b'), true);
    assert.equal(await store.catalog.connections.delete('b'), false);
    assert.equal(await store.catalog.connections.get('b'), undefined);
    assert.deepEqual((await store.catalog.connections.list()).map((c) => c.name), ['a', 'c']);
  }],

  ['catalog - signing secrets of a target are replaced as a whole and read newest first', async ({ store }) => {
    assert.deepEqual(await store.catalog.connections.signingSecrets('default/r/t'), []);
    const old = { sealed: 'old', createdAt: 1000, expiresAt: 5000 };
    const cur = { sealed: 'new', createdAt: 2000, expiresAt: null };
    await store.catalog.connections.setSigningSecrets('default/r/t', [old, cur]);
    await store.catalog.connections.setSigningSecrets('default/r/u', [old]);
    assert.deepEqual(await store.catalog.connections.signingSecrets('default/r/t'), [cur, old]);
    await store.catalog.connections.setSigningSecrets('default/r/t', [cur]);
    assert.deepEqual(await store.catalog.connections.signingSecrets('default/r/t'), [cur]);
    await store.catalog.connections.setSigningSecrets('default/r/t', []);
    assert.deepEqual(await store.catalog.connections.signingSecrets('default/r/t'), []);
    assert.deepEqual(await store.catalog.connections.signingSecrets('default/r/u'), [old], 'other targets keep theirs');
  }],

  ['catalog - a reopened store keeps schemas, connections and signing secrets', async (c) => {
    await c.store.catalog.schemas.upsert({ name: 's', source: null });
    await c.store.catalog.schemas.addVersion({ name: 's', source: null, dialect: '2020-12', schema: { type: 'string' }, origin: 'api' });
    const k = await c.store.catalog.connections.put(conn('c'));
    await c.store.catalog.connections.setSigningSecrets('default/r/t', [{ sealed: 'x', createdAt: 1, expiresAt: null }]);
    const s = await c.reopen();
    assert.deepEqual((await s.catalog.schemas.version('s', null, 1))?.schema, { type: 'string' });
    assert.deepEqual(await s.catalog.connections.get('c'), k.connection);
    assert.equal((await s.catalog.connections.signingSecrets('default/r/t')).length, 1);
  }],
];

/** Schema and connection cases of the catalog's contract. */
export const registryCases: readonly Case[] = [...schemaCases, ...connectionCases];
