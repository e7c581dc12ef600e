import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { createEvent } from '../events/index.js';
import { CatalogView, SqliteStore, type RuleRecord } from '../store/index.js';
import { RuleRouter, type BusMatcher } from './rule-router.js';
import { followRules } from './router-sync.js';

/** A matcher on `{ type }` filters; `{ bad: true }` does not compile. */
function typeMatcher(): BusMatcher {
  const rules = new Map<string, string>();
  return {
    add(id, filter) {
      const f = filter as { type?: string; bad?: boolean };
      if (f.bad === true) throw new Error('filter does not compile');
      rules.set(id, f.type ?? '');
    },
    remove: (id) => void rules.delete(id),
    matchText: (text) => [...rules].filter(([, type]) => (JSON.parse(text) as { type: string }).type === type).map(([id]) => id).sort(),
  };
}

const ev = createEvent({ id: '1', source: 's', type: 'order' });
const text = JSON.stringify({ type: 'order' });
const rule = (bus: string, name: string, filter: unknown, state: 'enabled' | 'disabled' = 'enabled') => ({
  bus, name, description: null, state, filter, targets: [{ id: 't', kind: 'log' as const }],
});

test('router sync - loads the stored rules of the catalog view, then follows every direct catalog write once the view has it; unsubscribing stops it', async () => {
  const store = new SqliteStore({ dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 100, dedupeWindowMs: 1000, defaultRetentionMaxAgeMs: 1000, sweepBatch: 100, clock: new ManualClock() });
  try {
    await store.catalog.buses.create({ name: 'shop', retention: { maxAgeMs: null, maxCount: null } });
    await store.catalog.rules.put(rule('shop', 'before', { type: 'order' }));
    const router = new RuleRouter(typeMatcher);
    const failed: RuleRecord[] = [];
    const view = await CatalogView.open(store.catalog);
    const off = followRules(router, view, (_err, r) => failed.push(r));
    assert.deepEqual(router.route('shop', ev, text), ['before']);

    await store.catalog.rules.put(rule('shop', 'after', { type: 'order' }));
    await view.settled();
    assert.deepEqual(router.route('shop', ev, text), ['after', 'before']);
    assert.deepEqual(router.deliveries('shop', ['after'], ev), [{ rule: 'after', target: 't', group: null }]);
    await store.catalog.rules.put(rule('shop', 'after', { type: 'order' }, 'disabled'));
    await view.settled();
    assert.deepEqual(router.route('shop', ev, text), ['before']);
    await store.catalog.rules.delete('shop', 'before');
    await view.settled();
    assert.deepEqual(router.route('shop', ev, text), []);

    // A filter that does not compile (a write that bypassed validation) routes nothing and is reported.
    await store.catalog.rules.put(rule('shop', 'broken', { type: 'order' }));
    await view.settled();
    await store.catalog.rules.put(rule('shop', 'broken', { bad: true }));
    await view.settled();
    assert.deepEqual(router.route('shop', ev, text), []);
    assert.deepEqual(failed.map((r) => r.name), ['broken']);

    await store.catalog.rules.put(rule('shop', 'again', { type: 'order' }));
    await view.settled();
    await store.catalog.buses.delete('shop');
    await view.settled();
    assert.deepEqual(router.route('shop', ev, text), []);
    assert.deepEqual(router.deliveries('shop', ['again'], ev), []);

    off();
    await store.catalog.rules.put(rule('default', 'unseen', { type: 'order' }));
    await view.settled();
    assert.deepEqual(router.route('default', ev, text), []);
  } finally {
    await store.close();
  }
});
