// The event log's contract (EventLog, plus the retention sweep and close of Store): append,
// dedupe, sequences, reads by id and by query, cursor paging, retention, durability.
import assert from 'node:assert/strict';
import { item, newBus, runCases, stored, type Case, type ContractOptions } from './contract.fixture.js';

const ids = (page: { items: readonly { id: string }[] }): string[] => page.items.map((e) => e.id);

const cases: Case[] = [
  ['event log - sequences per bus start at 1 and stay gap-free across concurrent appends', async ({ store }) => {
    await store.catalog.buses.create(newBus('orders'));
    const calls = Array.from({ length: 50 }, (_, i) => store.events.append([item(i % 2 === 0 ? 'orders' : 'default', `e${i}a`), item('orders', `e${i}b`)]));
    const results = (await Promise.all(calls)).flat();
    assert.ok(results.every((r) => r.type === 'stored'));
    for (const bus of ['orders', 'default']) {
      const seqs = (await store.events.list({ bus, limit: 1000 })).items.map((e) => e.sequence);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    assert.equal(await store.events.count('orders') + await store.events.count('default'), 100);
  }],

  ['event log - outcomes come in the order of the items, each stored at the clock time', async ({ store, clock }) => {
    clock.advance(1234);
    const out = await store.events.append([item('default', 'a'), item('default', 'b'), item('default', 'c')]);
    assert.deepEqual(out, [1, 2, 3].map((sequence) => ({ type: 'stored', sequence, receivedAt: clock.now() })));
    assert.deepEqual(await store.events.append([]), []);
  }],

  ['event log - a repeated (source, id) within the dedupe window is a duplicate naming the first sequence', async ({ store, clock }) => {
    const first = await store.events.append([item('default', 'x'), item('default', 'x')]);
    assert.deepEqual(first[1], { type: 'duplicate', sequence: 1, receivedAt: clock.now() }, 'a repeat in the same append');
    const t0 = clock.now();
    clock.advance(9_999);
    const [b, c, d] = await store.events.append([item('default', 'x'), item('default', 'x', { source: 'urn:other' }), item('default', 'y')]);
    assert.deepEqual(b, { type: 'duplicate', sequence: 1, receivedAt: t0 });
    assert.deepEqual([stored(c), stored(d)], [2, 3], 'another source is another event; a duplicate takes no sequence');
    assert.equal(await store.events.count('default'), 3);
  }, { dedupeWindowMs: 10_000 }],

  ['event log - at exactly the dedupe window age a repeat is stored again, and deduplicated from then on', async ({ store, clock }) => {
    await store.events.append([item('default', 'x')]);
    clock.advance(10_000);
    assert.deepEqual(await store.events.append([item('default', 'x')]), [{ type: 'stored', sequence: 2, receivedAt: clock.now() }]);
    assert.deepEqual(await store.events.append([item('default', 'x')]), [{ type: 'duplicate', sequence: 2, receivedAt: clock.now() }]);
  }, { dedupeWindowMs: 10_000 }],

  ['event log - the dedupe key includes the bus', async ({ store }) => {
    await store.catalog.buses.create(newBus('other'));
    const out = await store.events.append([item('default', 'x'), item('other', 'x')]);
    assert.deepEqual(out.map((o) => o.type), ['stored', 'stored']);
  }],

  ['event log - with a dedupe window of 0 every repeat is stored', async ({ store }) => {
    const out = await store.events.append([item('default', 'x'), item('default', 'x')]);
    assert.deepEqual(out.map(stored), [1, 2]);
  }, { dedupeWindowMs: 0 }],

  ['event log - an append to a missing bus is rejected per item; the others are stored', async ({ store }) => {
    const r = await store.events.append([item('nope', 'a'), item('default', 'b')]);
    assert.deepEqual(r[0] && { type: r[0].type, code: r[0].type === 'rejected' ? r[0].code : undefined }, { type: 'rejected', code: 'SWY_STORE_BUS_NOT_FOUND' });
    assert.equal(stored(r[1]), 1);
    assert.equal(await store.events.count('nope'), 0);
  }],

  ['event log - get returns the event byte-exact with every index field; by id, narrowed by source', async ({ store, clock }) => {
    const body = '{"specversion":"1.0","id":"n","source":"urn:test","type":"t","data":{"big":9007199254740993}}';
    await store.events.append([item('default', 'n', { body, size: 99, mode: 'binary', subject: 's', time: '2026-01-01T00:00:00Z', type: 't', matchedRules: ['r1', 'r2'] })]);
    assert.deepEqual(await store.events.get('default', 'n'), {
      bus: 'default', sequence: 1, receivedAt: clock.now(), id: 'n', source: 'urn:test', type: 't', subject: 's',
      time: '2026-01-01T00:00:00Z', mode: 'binary', size: 99, matchedRules: ['r1', 'r2'], body,
    });
    assert.equal((await store.events.get('default', 'n', 'urn:test'))?.sequence, 1);
    assert.equal(await store.events.get('default', 'n', 'urn:other'), undefined);
    assert.equal(await store.events.get('default', 'missing'), undefined);
    assert.equal(await store.events.get('nope', 'n'), undefined);
  }],

  ['event log - get answers the newest event with the id', async ({ store }) => {
    await store.events.append([item('default', 'x', { source: 'urn:a' }), item('default', 'x', { source: 'urn:b' }), item('default', 'x', { source: 'urn:a' })]);
    assert.equal((await store.events.get('default', 'x'))?.sequence, 3);
    assert.equal((await store.events.get('default', 'x', 'urn:b'))?.sequence, 2);
  }, { dedupeWindowMs: 0 }],

  ['event log - absent subject and time read back as null; no matched rules as []', async ({ store }) => {
    await store.events.append([item('default', 'a')]);
    const e = await store.events.get('default', 'a');
    assert.deepEqual([e?.subject, e?.time, e?.matchedRules], [null, null, []]);
  }],

  ['event log - list filters by type, source, subject and time (from inclusive, to exclusive), in sequence order', async ({ store, clock }) => {
    const start = clock.now();
    for (let i = 0; i < 10; i++) {
      await store.events.append([item('default', `i${i}`, { type: i % 2 === 0 ? 'even' : 'odd', subject: `s${i % 3}`, source: i < 5 ? 'urn:a' : 'urn:b' })]);
      clock.advance(1000);
    }
    assert.deepEqual(ids(await store.events.list({ bus: 'default', type: 'even', limit: 100 })), ['i0', 'i2', 'i4', 'i6', 'i8']);
    assert.deepEqual(ids(await store.events.list({ bus: 'default', subject: 's0', limit: 100 })), ['i0', 'i3', 'i6', 'i9']);
    assert.deepEqual(ids(await store.events.list({ bus: 'default', source: 'urn:b', type: 'odd', limit: 100 })), ['i5', 'i7', 'i9']);
    assert.deepEqual(ids(await store.events.list({ bus: 'default', source: 'urn:none', limit: 100 })), []);
    assert.deepEqual(ids(await store.events.list({ bus: 'default', from: start + 2000, to: start + 4000, limit: 100 })), ['i2', 'i3']);
    assert.deepEqual(ids(await store.events.list({ bus: 'nope', limit: 100 })), []);
  }],

  ['event log - list pages with a cursor: next is the last sequence of a full page, absent on the last page', async ({ store }) => {
    await store.events.append(Array.from({ length: 10 }, (_, i) => item('default', `e${i}`)));
    const p1 = await store.events.list({ bus: 'default', limit: 4 });
    assert.deepEqual(p1.items.map((e) => e.sequence), [1, 2, 3, 4]);
    assert.equal(p1.next, 4);
    const p2 = await store.events.list({ bus: 'default', limit: 4, after: p1.next });
    assert.deepEqual(p2.items.map((e) => e.sequence), [5, 6, 7, 8]);
    const p3 = await store.events.list({ bus: 'default', limit: 4, after: p2.next });
    assert.deepEqual(p3.items.map((e) => e.sequence), [9, 10]);
    assert.equal(p3.next, undefined);
    const exact = await store.events.list({ bus: 'default', limit: 2, after: 8 });
    assert.equal(exact.next, undefined, 'a page that ends exactly at the last event has no next');
  }],

  ['event log - count is per bus and 0 for a bus without events', async ({ store }) => {
    await store.catalog.buses.create(newBus('b'));
    await store.events.append([item('default', 'a'), item('default', 'b'), item('b', 'c')]);
    assert.deepEqual([await store.events.count('default'), await store.events.count('b'), await store.events.count('nope')], [2, 1, 0]);
  }],

  ['event log - retention by age and by count removes only what is past it', async ({ store, clock }) => {
    await store.catalog.buses.create(newBus('aged', { retention: { maxAgeMs: 5000, maxCount: null } }));
    await store.catalog.buses.create(newBus('counted', { retention: { maxAgeMs: null, maxCount: 3 } }));
    await store.catalog.buses.create(newBus('kept'));
    for (let i = 0; i < 6; i++) {
      await store.events.append([item('aged', `a${i}`), item('counted', `c${i}`), item('kept', `k${i}`)]);
      clock.advance(1000);
    }
    assert.equal(await store.housekeeping!.sweepRetention(), 1 + 3);
    assert.deepEqual(ids(await store.events.list({ bus: 'aged', limit: 10 })), ['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.deepEqual(ids(await store.events.list({ bus: 'counted', limit: 10 })), ['c3', 'c4', 'c5']);
    assert.equal(await store.events.count('kept'), 6);
    assert.equal(await store.housekeeping!.sweepRetention(), 0, 'a second sweep finds nothing more');
  }],

  ['event log - sequences continue after retention removed the oldest events', async ({ store }) => {
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: null, maxCount: 1 } }));
    await store.events.append([item('b', 'a'), item('b', 'b')]);
    await store.housekeeping!.sweepRetention();
    assert.equal(stored((await store.events.append([item('b', 'c')]))[0]), 3);
  }],

  ['event log - close waits for appends in flight; an append after close is refused', async ({ store }) => {
    const pending = store.events.append([item('default', 'a')]);
    await store.close();
    assert.equal(stored((await pending)[0]), 1);
    await assert.rejects(async () => await store.events.append([item('default', 'b')]));
  }],

  ['event log - a reopened store keeps its events and continues their sequences', async (c) => {
    await c.store.catalog.buses.create(newBus('b'));
    await c.store.events.append([item('default', 'a'), item('b', 'x')]);
    const s = await c.reopen();
    assert.equal((await s.events.get('default', 'a'))?.sequence, 1);
    assert.equal(stored((await s.events.append([item('default', 'b')]))[0]), 2);
    assert.equal((await s.catalog.buses.get('b'))?.nextSequence, 2);
  }],

  ['event log - a reopened store still deduplicates within the window', async (c) => {
    await c.store.events.append([item('default', 'a')]);
    const s = await c.reopen();
    assert.equal((await s.events.append([item('default', 'a')]))[0]?.type, 'duplicate');
  }],
];

/** Runs the event log's contract against a backend. */
export function runEventLogContract(opts: ContractOptions): void {
  runCases('event log', opts, cases);
}
