import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { SchemaRegistry } from '../schemas/index.js';
import { SqliteStore } from '../store/index.js';
import { followSchemaChanges } from './schema-sync.js';

test('schema sync - versions, deletes, re-creation and settings written directly to the store reach the registry\'s caches', async () => {
  const store = new SqliteStore({ dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 100, dedupeWindowMs: 1000, defaultRetentionMaxAgeMs: 1000, sweepBatch: 100, clock: new ManualClock() });
  try {
    const registry = new SchemaRegistry(store.catalog.schemas);
    const off = followSchemaChanges(registry, store.catalog);
    await registry.load();
    await registry.addVersion({ name: 'order', source: null, schema: { type: 'object' } });
    assert.equal(registry.applicable('order', 's')?.version, 1);
    assert.equal(registry.settings('default').validation, 'off');

    const v2 = { type: 'object', required: ['a'] };
    await store.catalog.schemas.addVersion({ name: 'order', source: null, dialect: '2020-12', schema: v2, origin: 'api' });
    await registry.settled();
    assert.deepEqual(registry.applicable('order', 's')?.schema, v2);
    assert.equal(registry.find('order', null, 1)?.version, 1, 'older versions are still found');

    await store.catalog.schemas.upsert({ name: 'order', source: 's' });
    await registry.settled();
    await store.catalog.schemas.addVersion({ name: 'order', source: 's', dialect: '2020-12', schema: { type: 'array' }, origin: 'api' });
    await registry.settled();
    assert.deepEqual(registry.applicable('order', 's')?.schema, { type: 'array' });

    await store.catalog.schemas.delete('order', null);
    await registry.settled();
    assert.equal(registry.applicable('order', 'other'), undefined);
    // Created again: numbered from 1, the old versions are not its.
    await store.catalog.schemas.upsert({ name: 'order', source: null });
    await registry.settled();
    await store.catalog.schemas.addVersion({ name: 'order', source: null, dialect: '2020-12', schema: { type: 'string' }, origin: 'api' });
    await registry.settled();
    assert.deepEqual(registry.applicable('order', 'other'), registry.latest('order', null));
    assert.deepEqual(registry.latest('order', null)?.schema, { type: 'string' });
    assert.equal(registry.find('order', null, 2), undefined);

    await store.catalog.schemas.setSettings({ bus: 'default', validation: 'enforce', discovery: false, sampleRate: 1 });
    await registry.settled();
    assert.equal(registry.settings('default').validation, 'enforce');

    await store.catalog.buses.create({ name: 'shop', retention: { maxAgeMs: null, maxCount: null } });
    await registry.settled();
    await store.catalog.schemas.setSettings({ bus: 'shop', validation: 'warn', discovery: false, sampleRate: 1 });
    await registry.settled();
    assert.equal(registry.settings('shop').validation, 'warn');
    await store.catalog.buses.delete('shop');
    await registry.settled();
    assert.equal(registry.settings('shop').validation, 'off', 'settings went with the bus');

    off();
    await store.catalog.schemas.setSettings({ bus: 'default', validation: 'warn', discovery: false, sampleRate: 1 });
    await registry.settled();
    assert.equal(registry.settings('default').validation, 'enforce', 'no longer followed');
  } finally {
    await store.close();
  }
});
