// Property test of pull queues (issue 16): for any interleaving of receive, acknowledge, release
// (with or without a delay) and lock expiry by several consumers, on a real SQLite store through
// PullQueues, the queue never has two live locks in one FIFO group, hands a group's events out
// only after every earlier one of the group is acknowledged, never hands out an acknowledged
// event again, and in the end delivers every event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../core/index.js';
import { CatalogView, SqliteStore, type AppendItem } from '../store/index.js';
import { PullQueues, type ReceivedEvent } from './pull-queues.js';

const LOCK_MS = 1000;
const CONSUMERS = 3;

type Op =
  | { readonly type: 'receive'; readonly c: number; readonly max: number }
  | { readonly type: 'ack'; readonly c: number; readonly pick: number }
  | { readonly type: 'release'; readonly c: number; readonly pick: number; readonly delayMs: number }
  | { readonly type: 'advance'; readonly ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('receive' as const), c: fc.nat(CONSUMERS - 1), max: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('ack' as const), c: fc.nat(CONSUMERS - 1), pick: fc.nat(10) }),
  fc.record({ type: fc.constant('release' as const), c: fc.nat(CONSUMERS - 1), pick: fc.nat(10), delayMs: fc.constantFrom(0, 0, 500, 1500) }),
  fc.record({ type: fc.constant('advance' as const), ms: fc.constantFrom(100, 600, 1000, 2500) }),
);
/** Each event's FIFO group (null: no group). */
const groups = fc.array(fc.constantFrom<string | null>('a', 'b', 'c', null), { minLength: 1, maxLength: 12 });

interface Held { readonly r: ReceivedEvent; readonly id: string; readonly group: string | null }

async function run(eventGroups: readonly (string | null)[], ops: readonly Op[]): Promise<void> {
  const clock = new ManualClock();
  const store = new SqliteStore({
    dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 60_000,
    defaultRetentionMaxAgeMs: 7 * 86_400_000, sweepBatch: 1000, clock, walCheckpointMs: 0,
  });
  const view = await CatalogView.open(store.catalog);
  const queues = new PullQueues({ deliveries: store.deliveries, rules: view, clock, defaults: { lockMs: LOCK_MS, maxReceives: 1000 } });
  try {
    await store.catalog.rules.put({
      bus: 'default', name: 'r', description: null, state: 'enabled', filter: { pattern: {} },
      targets: [{ id: 'q', kind: 'queue', queue: 'q', ordering: { groupBy: 'partitionkey' } }],
    });
    await view.settled();
    const items: AppendItem[] = eventGroups.map((g, i) => {
      const body = JSON.stringify({ specversion: '1.0', id: `e${i}`, source: 's', type: 't' });
      return {
        bus: 'default', id: `e${i}`, source: 's', type: 't', subject: undefined, time: undefined, body, size: body.length, mode: 'structured',
        matchedRules: ['r'], deliveries: [{ rule: 'r', target: 'q', group: g }],
      };
    });
    await store.events.append(items);
    const groupOf = new Map(eventGroups.map((g, i) => [`e${i}`, g]));
    const order = (id: string): number => Number(id.slice(1));
    const acked = new Set<string>();
    const held: Held[][] = Array.from({ length: CONSUMERS }, () => []);

    const receive = async (c: number, max: number): Promise<void> => {
      const got = await queues.receive('default', 'q', { max, waitMs: 0 });
      const now = clock.now();
      // A newer receive of an event ends every older lock on it.
      for (const h of held) for (let i = h.length - 1; i >= 0; i--) if (got.some((r) => JSON.parse(r.eventText).id === h[i]!.id)) h.splice(i, 1);
      for (const r of got) {
        const id = String((JSON.parse(r.eventText) as { id: string }).id);
        const g = groupOf.get(id) ?? null;
        assert.ok(!acked.has(id), `${id} was acknowledged and came back`);
        if (g !== null) {
          for (const [other, og] of groupOf) {
            if (og === g && order(other) < order(id)) assert.ok(acked.has(other), `${id} of group ${g} handed out before ${other} was acknowledged`);
          }
          const live = held.flat().filter((h) => h.group === g && h.r.lockedUntil > now);
          assert.deepEqual(live.map((h) => h.id), [], `group ${g}: ${id} handed out while ${live.map((h) => h.id).join(',')} is locked`);
        }
        held[c]!.push({ r, id, group: g });
      }
    };
    const settle = async (c: number, pick: number, action: 'ack' | 'release', delayMs = 0): Promise<void> => {
      const h = held[c]!;
      if (h.length === 0) return;
      const [x] = h.splice(pick % h.length, 1);
      const r = await queues.settle('default', 'q', [x!.r.lockToken], action === 'ack' ? { type: 'ack' } : { type: 'release', delayMs });
      if (action === 'ack' && r.succeeded.length === 1) acked.add(x!.id);
    };

    for (const o of ops) {
      if (o.type === 'receive') await receive(o.c, o.max);
      else if (o.type === 'ack') await settle(o.c, o.pick, 'ack');
      else if (o.type === 'release') await settle(o.c, o.pick, 'release', o.delayMs);
      else clock.advance(o.ms);
    }
    // Drain: every lock runs out, then consumers receive and acknowledge until nothing is left.
    for (let round = 0; acked.size < items.length && round < items.length * 4 + 8; round++) {
      clock.advance(LOCK_MS + 1500);
      for (const h of held) h.length = 0;
      await receive(round % CONSUMERS, 5);
      const mine = held[round % CONSUMERS]!;
      while (mine.length > 0) await settle(round % CONSUMERS, 0, 'ack');
    }
    assert.equal(acked.size, items.length, 'every event delivered');
    assert.deepEqual(await queues.receive('default', 'q', { max: 100, waitMs: 0 }), []);
  } finally {
    queues.close();
    view.close();
    await store.close();
  }
}

test('pull queue property - any interleaving of receive, ack, release and expiry: groups exclusive and in order, acks final, everything delivered', async () => {
  await fc.assert(fc.asyncProperty(groups, fc.array(op, { maxLength: 40 }), run), { numRuns: 150 });
});
