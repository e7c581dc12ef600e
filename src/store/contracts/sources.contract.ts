// The source catalog's contract (source-types.ts): records round-trip, replace keeps counters,
// pause/resume, counter deltas add up across flushes (as several nodes would), and the change feed
// announces puts, state changes and deletes, never counters. Run by every backend.
import assert from 'node:assert/strict';
import type { CatalogChange } from '../change-feed.js';
import type { NewSource } from '../source-types.js';
import { ZERO_SOURCE_COUNTS } from '../source-types.js';
import { runCases, type Case, type ContractOptions } from './contract.fixture.js';

const source = (name: string, extra: Partial<NewSource> = {}): NewSource => ({
  name, kind: 'webhook', bus: 'default', description: null, state: 'running',
  config: { verify: { kind: 'github', connection: 'gh' } }, mapping: { preset: 'github' }, ...extra,
});

const counts = (received: number, put: number, rejected: number, lastEventAt: number | null) => ({ received, put, rejected, lastEventAt });

const cases: Case[] = [
  ['sources - a source round-trips; put again replaces it and says so', async ({ store, clock }) => {
    const first = await store.catalog.sources.put(source('gh', { description: 'GitHub' }));
    assert.equal(first.created, true);
    assert.deepEqual(first.source, { ...source('gh', { description: 'GitHub' }), createdAt: clock.now(), updatedAt: clock.now() });
    assert.deepEqual(await store.catalog.sources.get('gh'), first.source);
    clock.advance(5);
    const again = await store.catalog.sources.put(source('gh', { bus: 'other', mapping: null, config: { a: [1, { b: 'c' }] } }));
    assert.equal(again.created, false);
    assert.deepEqual(again.source, { ...source('gh', { bus: 'other', mapping: null, config: { a: [1, { b: 'c' }] } }), createdAt: first.source.createdAt, updatedAt: first.source.createdAt + 5 });
    assert.equal(await store.catalog.sources.get('missing'), undefined);
  }],

  ['sources - sources are listed by name; delete removes one', async ({ store }) => {
    for (const n of ['b', 'c', 'a']) await store.catalog.sources.put(source(n));
    assert.deepEqual((await store.catalog.sources.list()).map((s) => s.name), ['a', 'b', 'c']);
    assert.equal(await store.catalog.sources.delete('b'), true);
    assert.equal(await store.catalog.sources.delete('b'), false);
    assert.deepEqual((await store.catalog.sources.list()).map((s) => s.name), ['a', 'c']);
  }],

  ['sources - setState pauses and resumes; a missing source gives undefined', async ({ store, clock }) => {
    await store.catalog.sources.put(source('s'));
    clock.advance(3);
    const paused = await store.catalog.sources.setState('s', 'paused');
    assert.equal(paused?.state, 'paused');
    assert.equal(paused?.updatedAt, clock.now());
    assert.equal((await store.catalog.sources.get('s'))?.state, 'paused');
    assert.equal((await store.catalog.sources.setState('s', 'running'))?.state, 'running');
    assert.equal(await store.catalog.sources.setState('missing', 'paused'), undefined);
  }],

  ['sources - counter deltas add up, keep the latest event time, survive a replace and die with the source', async ({ store }) => {
    await store.catalog.sources.put(source('s'));
    await store.catalog.sources.put(source('t'));
    assert.deepEqual((await store.catalog.sources.counts()).get('s'), ZERO_SOURCE_COUNTS);
    await store.catalog.sources.addCounts(new Map([['s', counts(3, 2, 1, 1000)], ['gone', counts(1, 1, 0, 5)]]));
    await store.catalog.sources.addCounts(new Map([['s', counts(2, 2, 0, 900)], ['t', counts(1, 0, 1, null)]]));
    assert.deepEqual((await store.catalog.sources.counts()).get('s'), counts(5, 4, 1, 1000));
    assert.deepEqual((await store.catalog.sources.counts()).get('t'), counts(1, 0, 1, null));
    assert.equal((await store.catalog.sources.counts()).has('gone'), false);
    await store.catalog.sources.put(source('s', { description: 'replaced' }));
    assert.deepEqual((await store.catalog.sources.counts()).get('s'), counts(5, 4, 1, 1000));
    await store.catalog.sources.delete('s');
    await store.catalog.sources.put(source('s'));
    assert.deepEqual((await store.catalog.sources.counts()).get('s'), ZERO_SOURCE_COUNTS);
  }],

  ['sources - the change feed announces puts, state changes and deletes; not counters or no-ops', async ({ store }) => {
    const changes: CatalogChange[] = [];
    const stop = store.catalog.watch((c) => changes.push(c));
    await store.catalog.sources.put(source('s'));
    await store.catalog.sources.setState('s', 'paused');
    await store.catalog.sources.setState('s', 'paused');
    await store.catalog.sources.addCounts(new Map([['s', counts(1, 1, 0, 1)]]));
    assert.equal(await store.catalog.sources.delete('missing'), false);
    await store.catalog.sources.delete('s');
    const expected: CatalogChange[] = [
      { type: 'source', op: 'put', name: 's' },
      { type: 'source', op: 'put', name: 's' },
      { type: 'source', op: 'delete', name: 's' },
    ];
    while (changes.length < expected.length) await new Promise((r) => setImmediate(r));
    assert.deepEqual(changes, expected);
    stop();
  }],

  ['sources - a reopened store keeps sources, their state and counters', async (c) => {
    await c.store.catalog.sources.put(source('s', { state: 'paused' }));
    await c.store.catalog.sources.addCounts(new Map([['s', counts(4, 3, 1, 77)]]));
    const store = await c.reopen();
    assert.equal((await store.catalog.sources.get('s'))?.state, 'paused');
    assert.deepEqual((await store.catalog.sources.counts()).get('s'), counts(4, 3, 1, 77));
  }],
];

export function runSourceCatalogContract(opts: ContractOptions): void {
  runCases('source catalog', opts, cases);
}
