// The replay jobs contract (Store.replays, replay-types.ts): windows by sequence and time over
// the log and its archives, reads in sequence order across both, job state changes (compare
// and set), steps that enqueue deliveries and move the cursor together, and reopening.
import assert from 'node:assert/strict';
import { countsOf, item, newBus, runCases, target, type Case, type ContractOptions } from './contract.fixture.js';
import type { NewReplay, ReplayDelivery } from '../replay-types.js';
import type { Store } from '../types.js';

const job = (id: string, extra: Partial<NewReplay> = {}): NewReplay => ({
  id, bus: 'default', fromSeq: 1, toSeq: 10, total: 10, pattern: null, destination: { rule: 'r' }, ratePerSecond: null, kind: 'replay', ...extra,
});

const put = async (store: Store, n: number, bus = 'default', archives?: string[]): Promise<void> => {
  await store.events.append(Array.from({ length: n }, (_, i) => item(bus, `e${i + 1}`, archives === undefined ? {} : { archives })));
};

const delivery = (seq: number, t = 't1', group: string | null = null): ReplayDelivery =>
  ({ seq, eventId: `e${seq}`, rule: 'r', target: t, group, body: JSON.stringify({ specversion: '1.0', id: `e${seq}`, source: 'urn:test', type: 'x', swyreplay: 'j' }) });

const cases: Case[] = [
  ['replays - a window by sequence is capped at the last event; by time it covers receive times [from, to)', async ({ store, clock }) => {
    const t0 = clock.now();
    await put(store, 3);
    clock.advance(1000);
    await put(store, 0);
    await store.events.append([item('default', 'later1'), item('default', 'later2')]);
    assert.deepEqual(await store.replays.range('default', { sequence: 2 }, { sequence: 99 }), { fromSeq: 2, toSeq: 5, total: 4 });
    assert.deepEqual(await store.replays.range('default', { time: t0 }, { time: t0 + 1000 }), { fromSeq: 1, toSeq: 3, total: 3 });
    assert.deepEqual(await store.replays.range('default', { time: t0 + 1000 }, { time: t0 + 5000 }), { fromSeq: 4, toSeq: 5, total: 2 });
    assert.equal((await store.replays.range('default', { time: t0 + 9000 }, { time: t0 + 10_000 }))?.total, 0);
    assert.equal((await store.replays.range('default', { sequence: 4 }, { sequence: 2 }))?.total, 0);
    assert.equal(await store.replays.range('nope', { sequence: 1 }, { sequence: 2 }), undefined);
  }],

  ['replays - read answers events in sequence order, in pages, within the window', async ({ store }) => {
    await put(store, 7);
    const seqs = async (after: number, to: number, limit: number): Promise<number[]> => (await store.replays.read('default', after, to, limit)).map((e) => e.sequence);
    assert.deepEqual(await seqs(0, 7, 3), [1, 2, 3]);
    assert.deepEqual(await seqs(3, 6, 10), [4, 5, 6]);
    assert.deepEqual(await seqs(6, 6, 10), []);
    const [e] = await store.replays.read('default', 1, 7, 1);
    assert.equal(e?.id, 'e2');
    assert.equal(e?.body, (await store.events.get('default', 'e2'))?.body);
  }],

  ['replays - events the bus dropped are read from its archives, each sequence once', async ({ store }) => {
    if (store.housekeeping === undefined) throw new Error('this case drops events by the retention sweep (Housekeeping): a backend without it skips the case by name, with a reason');
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: null, maxCount: 2 } }));
    await store.archives.put({ bus: 'b', name: 'a1', description: null, pattern: null, retentionMs: null });
    await store.archives.put({ bus: 'b', name: 'a2', description: null, pattern: null, retentionMs: null });
    await store.events.append([
      item('b', 'e1', { archives: ['a1', 'a2'] }), item('b', 'e2'), item('b', 'e3', { archives: ['a1'] }), item('b', 'e4', { archives: ['a2'] }),
      item('b', 'e5'), item('b', 'e6'),
    ]);
    await store.housekeeping.sweepRetention();
    assert.equal(await store.events.count('b'), 2);
    assert.deepEqual((await store.replays.read('b', 0, 6, 100)).map((e) => e.id), ['e1', 'e3', 'e4', 'e5', 'e6'], 'e2 was in no archive');
    assert.deepEqual((await store.replays.read('b', 0, 6, 2)).map((e) => e.id), ['e1', 'e3']);
    assert.deepEqual((await store.replays.read('b', 3, 6, 2)).map((e) => e.id), ['e4', 'e5']);
    assert.deepEqual(await store.replays.range('b', { sequence: 1 }, { sequence: 6 }), { fromSeq: 1, toSeq: 6, total: 5 });
  }],

  ['replays - a window by time covers archived events the bus dropped', async ({ store, clock }) => {
    if (store.housekeeping === undefined) throw new Error('this case drops events by the retention sweep (Housekeeping): a backend without it skips the case by name, with a reason');
    await store.catalog.buses.create(newBus('b', { retention: { maxAgeMs: null, maxCount: 1 } }));
    await store.archives.put({ bus: 'b', name: 'a', description: null, pattern: null, retentionMs: null });
    const t0 = clock.now();
    for (const id of ['e1', 'e2', 'e3', 'e4']) {
      await store.events.append([item('b', id, { archives: id === 'e4' ? [] : ['a'] })]);
      clock.advance(1000);
    }
    await store.housekeeping.sweepRetention();
    assert.equal(await store.events.count('b'), 1);
    assert.deepEqual(await store.replays.range('b', { time: t0 + 500 }, { time: t0 + 2500 }), { fromSeq: 2, toSeq: 3, total: 2 });
    assert.deepEqual(await store.replays.range('b', { time: t0 + 1000 }, { time: t0 + 9000 }), { fromSeq: 2, toSeq: 4, total: 3 });
    assert.deepEqual(await store.replays.range('b', { time: t0 - 5000 }, { time: t0 }), { fromSeq: 1, toSeq: 0, total: 0 });
  }],

  ['replays - create, get, list newest first by bus and state', async ({ store, clock }) => {
    const a = await store.replays.create(job('a'), clock.now());
    assert.equal(a.state, 'running');
    assert.equal(a.cursor, 0);
    assert.deepEqual([a.processed, a.matched, a.enqueued], [0, 0, 0]);
    clock.advance(10);
    await store.catalog.buses.create(newBus('b2'));
    await store.replays.create(job('b', { bus: 'b2', destination: { bus: 'b2' }, ratePerSecond: 5 }), clock.now());
    assert.deepEqual((await store.replays.list({ limit: 10 })).map((r) => r.id), ['b', 'a']);
    assert.deepEqual((await store.replays.list({ bus: 'default', limit: 10 })).map((r) => r.id), ['a']);
    assert.deepEqual((await store.replays.get('b'))?.destination, { bus: 'b2' });
    assert.equal((await store.replays.get('b'))?.ratePerSecond, 5);
    await store.replays.transition('a', ['running'], 'paused', clock.now());
    assert.deepEqual((await store.replays.list({ state: 'paused', limit: 10 })).map((r) => r.id), ['a']);
    assert.equal(await store.replays.get('nope'), undefined);
  }],

  ['replays - transition changes state only from the states named; finished jobs keep their end', async ({ store, clock }) => {
    await store.replays.create(job('j'), clock.now());
    assert.deepEqual(await store.replays.transition('j', ['running'], 'paused', clock.now()).then((r) => [r?.replay.state, r?.changed]), ['paused', true]);
    assert.deepEqual(await store.replays.transition('j', ['running'], 'paused', clock.now()).then((r) => [r?.replay.state, r?.changed]), ['paused', false], 'not again');
    assert.equal((await store.replays.transition('j', ['running'], 'cancelled', clock.now()))?.replay.state, 'paused', 'not from paused');
    clock.advance(5);
    const resumed = await store.replays.transition('j', ['paused'], 'running', clock.now());
    assert.equal(resumed?.replay.state, 'running');
    assert.equal(resumed?.replay.runningSince, clock.now());
    const cancelled = await store.replays.transition('j', ['running', 'paused'], 'cancelled', clock.now());
    assert.equal(cancelled?.replay.state, 'cancelled');
    assert.equal(cancelled?.replay.finishedAt, clock.now());
    assert.equal((await store.replays.transition('j', ['running', 'paused'], 'running', clock.now()))?.changed, false);
    assert.equal((await store.replays.transition('j', ['cancelled'], 'failed', clock.now(), 'boom'))?.replay.error, 'boom');
    assert.equal(await store.replays.transition('nope', ['running'], 'paused', clock.now()), undefined);
  }],

  ['replays - advance enqueues deliveries with their text and moves the cursor together, only while running', async ({ store, clock }) => {
    await put(store, 3);
    await store.replays.create(job('j', { toSeq: 3, total: 3 }), clock.now());
    assert.equal(await store.replays.advance('j', { cursor: 2, processed: 2, matched: 1, deliveries: [delivery(2)], done: false }, clock.now()), true);
    let r = await store.replays.get('j');
    assert.deepEqual([r?.cursor, r?.processed, r?.matched, r?.enqueued, r?.state], [2, 2, 1, 1, 'running']);
    const [leased] = await store.deliveries.lease(target('t1'), clock.now(), clock.now() + 1000, 10);
    assert.equal(leased?.seq, 2);
    assert.equal(JSON.parse(leased?.eventBody ?? '{}').swyreplay, 'j', 'the replayed text, not the stored one');
    assert.deepEqual((await store.observe.deliveries('default', 2)).map((d) => d.replay), ['j'], "the event's trace names the job that replayed it");
    await store.replays.transition('j', ['running'], 'paused', clock.now());
    assert.equal(await store.replays.advance('j', { cursor: 3, processed: 1, matched: 1, deliveries: [delivery(3)], done: true }, clock.now()), false);
    assert.deepEqual(await countsOf(store, target('t1')), { pending: 0, inFlight: 1, dead: 0 }, 'nothing enqueued while paused');
    await store.replays.transition('j', ['paused'], 'running', clock.now());
    assert.equal(await store.replays.advance('j', { cursor: 3, processed: 1, matched: 1, deliveries: [delivery(3)], done: true }, clock.now()), true);
    r = await store.replays.get('j');
    assert.deepEqual([r?.cursor, r?.processed, r?.state], [3, 3, 'completed']);
    assert.equal(r?.finishedAt, clock.now());
    assert.equal(await store.replays.advance('j', { cursor: 3, processed: 0, matched: 0, deliveries: [], done: true }, clock.now()), false);
    assert.equal(await store.replays.advance('nope', { cursor: 3, processed: 0, matched: 0, deliveries: [], done: true }, clock.now()), false);
  }],

  ['replays - replayed deliveries of a FIFO group wait behind the group head', async ({ store, clock }) => {
    await put(store, 2);
    await store.replays.create(job('j', { toSeq: 2, total: 2 }), clock.now());
    await store.replays.advance('j', { cursor: 2, processed: 2, matched: 2, deliveries: [delivery(1, 't1', 'g'), delivery(2, 't1', 'g')], done: true }, clock.now());
    const first = await store.deliveries.lease(target('t1'), clock.now(), clock.now() + 1000, 10);
    assert.deepEqual(first.map((d) => d.seq), [1]);
  }],

  ['replays - a reopened store keeps jobs with their cursor and state', async ({ store, clock, reopen }) => {
    await put(store, 3);
    await store.replays.create(job('j', { toSeq: 3, total: 3 }), clock.now());
    await store.replays.advance('j', { cursor: 1, processed: 1, matched: 1, deliveries: [delivery(1)], done: false }, clock.now());
    const s2 = await reopen();
    const r = await s2.replays.get('j');
    assert.deepEqual([r?.state, r?.cursor, r?.processed], ['running', 1, 1]);
    assert.deepEqual((await s2.replays.list({ state: 'running', limit: 10 })).map((x) => x.id), ['j']);
  }],
];

export function runReplayStoreContract(opts: ContractOptions): void {
  runCases('replays', opts, cases);
}
