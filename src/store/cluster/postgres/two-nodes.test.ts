// Two nodes on one PostgreSQL schema (two pools, two LISTEN connections, as two processes would
// have): catalog changes and work hints made through one reach the other, and leasing the same
// target from both at once never hands a delivery to both nor two heads of one FIFO group.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import type { CatalogChange } from '../../change-feed.js';
import type { LeasedDelivery, TargetKey } from '../../delivery-types.js';
import { openPostgresPorts, type AppendedEntry, type PostgresPorts } from './index.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const clock = new ManualClock();
const schema = freshSchema();
let a: PostgresPorts;
let b: PostgresPorts;

const open = (nodeId: string): Promise<PostgresPorts> =>
  openPostgresPorts({ url: URL, schema, clock, defaultRetentionMaxAgeMs: 864e5, nodeId, poolSize: 4 });

/** Resolves once `pred` holds, polling; fails after `ms` (a bound, not a speed assertion). */
async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const entry = (bus: string, seq: number, deliveries: AppendedEntry['deliveries']): AppendedEntry => ({
  event: {
    bus, sequence: seq, receivedAt: clock.now(), id: `e${seq}`, source: 'urn:test', type: 't', subject: null, time: null, mode: 'structured',
    size: 2, matchedRules: ['r'], body: '{}',
  },
  deliveries,
});

before(async () => {
  await requirePostgres(URL);
  // Both at once: the migrations run once, under the advisory lock, whichever node gets it.
  [a, b] = await Promise.all([open('node-a'), open('node-b')]);
});

after(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(URL, schema);
});

describe('postgres two nodes', () => {
  test('two nodes - a catalog change made through one reaches the other node\'s watchers, in commit order', async () => {
    const seenByB: CatalogChange[] = [];
    const seenByA: CatalogChange[] = [];
    // Only this test's bus: the `default` bus each node ensures at open may still be announced
    // (a node's open ends before the other node's NOTIFY of it arrives).
    const ours = (c: CatalogChange): boolean => 'bus' in c && c.bus === 'shop';
    const stopB = b.catalog.watch((c) => void (ours(c) && seenByB.push(c)));
    const stopA = a.catalog.watch((c) => void (ours(c) && seenByA.push(c)));
    try {
      await a.catalog.buses.create({ name: 'shop', retention: { maxAgeMs: null, maxCount: null } });
      await a.catalog.rules.put({ bus: 'shop', name: 'r1', description: null, state: 'enabled', filter: {}, targets: [] });
      await b.catalog.rules.put({ bus: 'shop', name: 'r1', description: null, state: 'disabled', filter: {}, targets: [] });
      const expected: CatalogChange[] = [
        { type: 'bus', op: 'put', bus: 'shop' },
        { type: 'rule', op: 'put', bus: 'shop', name: 'r1', created: true },
        { type: 'rule', op: 'put', bus: 'shop', name: 'r1', created: false },
      ];
      await until(() => seenByA.length >= 3 && seenByB.length >= 3, 'both nodes to hear three changes');
      assert.deepEqual(seenByB, expected);
      assert.deepEqual(seenByA, expected);
      // Each writer resolves after its own node announced the change: A's view already has B's write.
      assert.equal((await a.catalog.rules.get('shop', 'r1'))?.state, 'disabled');
    } finally {
      stopA();
      stopB();
    }
  });

  test('two nodes - deliveries recorded through one node are hinted to the other node\'s work listeners', async () => {
    const hints: TargetKey[][] = [];
    const stop = b.deliveries.watchWork((keys) => hints.push([...keys]));
    try {
      const n = await a.recordAppended([entry('default', 1, [{ rule: 'r', target: 'hinted', group: null }])]);
      assert.deepEqual(n, { events: 1, deliveries: 1 });
      await until(() => hints.flat().some((k) => k.target === 'hinted'), 'a hint on node B');
      assert.deepEqual(await b.recordAppended([entry('default', 1, [{ rule: 'r', target: 'hinted', group: null }])]), { events: 0, deliveries: 0 },
        'recording the same event again (a redelivered log message) records nothing');
    } finally {
      stop();
    }
  });

  test('two nodes - leasing one target from both at once never leases a delivery twice nor two heads of a FIFO group', async () => {
    await a.catalog.buses.create({ name: 'race', retention: { maxAgeMs: null, maxCount: null } });
    const GROUPS = 6;
    const PER_GROUP = 15;
    const FREE = 60;
    const entries: AppendedEntry[] = [];
    let seq = 0;
    for (let i = 0; i < GROUPS * PER_GROUP; i++) entries.push(entry('race', ++seq, [{ rule: 'r', target: 't', group: `g${i % GROUPS}` }]));
    for (let i = 0; i < FREE; i++) entries.push(entry('race', ++seq, [{ rule: 'r', target: 't', group: null }]));
    // Recorded in halves through both nodes, the second half concurrently with the first.
    await Promise.all([a.recordAppended(entries.slice(0, entries.length / 2)), b.recordAppended(entries.slice(entries.length / 2))]);
    const key = { bus: 'race', rule: 'r', target: 't' };
    const leasedIds = new Set<string>();
    const heads = new Map<string, string>();
    const order = new Map<string, number[]>();
    const violations: string[] = [];
    let delivered = 0;
    const total = GROUPS * PER_GROUP + FREE;
    const worker = async (node: PostgresPorts): Promise<void> => {
      let idle = 0;
      while (delivered < total && idle < 200) {
        const now = clock.now();
        // Leases far longer than the test: no lease ends, so any delivery seen twice is a double lease.
        const got: LeasedDelivery[] = await node.deliveries.lease(key, now, now + 3600_000, 4);
        if (got.length === 0) {
          idle++;
          await new Promise((r) => setTimeout(r, 2));
          continue;
        }
        idle = 0;
        for (const d of got) {
          if (leasedIds.has(d.id)) violations.push(`delivery ${d.id} leased twice`);
          leasedIds.add(d.id);
          if (d.group !== null) {
            const held = heads.get(d.group);
            if (held !== undefined) violations.push(`group ${d.group}: ${d.id} leased while ${held} was in flight`);
            heads.set(d.group, d.id);
            order.set(d.group, [...(order.get(d.group) ?? []), d.seq]);
          }
        }
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        for (const d of got) {
          if (d.group !== null) heads.delete(d.group);
          const applied = await node.deliveries.complete([{ type: 'delivered', id: d.id, lease: d.lease, attempt: { at: now, durationMs: 1, ok: true, status: 200, errorClass: null, message: null, response: null } }], now);
          assert.equal(applied, 1);
          delivered++;
        }
      }
    };
    await Promise.all([worker(a), worker(b)]);
    assert.deepEqual(violations, []);
    assert.equal(delivered, total);
    assert.equal(leasedIds.size, total);
    for (const [g, seqs] of order) assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `group ${g} in bus order`);
    assert.deepEqual(await a.deliveries.counts(key), { pending: 0, inFlight: 0, dead: 0, waiting: 0 });
  });
});
