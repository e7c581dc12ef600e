// Pull queues across two nodes on one PostgreSQL schema (two pools, as two processes would
// have): consumers receiving one queue through both at once, acking some deliveries and
// releasing others at random, never hold one delivery twice nor two of one FIFO group, every
// delivery is acked in the end, and each group is acked in bus order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import type { LeasedDelivery, PullSettlement } from '../../delivery-types.js';
import { openPostgresPorts, type AppendedEntry, type PostgresPorts } from './index.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const clock = new ManualClock();
const schema = freshSchema();
let a: PostgresPorts;
let b: PostgresPorts;

const entry = (seq: number, group: string | null): AppendedEntry => ({
  event: {
    bus: 'default', sequence: seq, receivedAt: clock.now(), id: `e${seq}`, source: 'urn:test', type: 't', subject: null, time: null, mode: 'structured',
    size: 2, matchedRules: ['r'], body: '{}',
  },
  deliveries: [{ rule: 'r', target: 'q', group }],
});

before(async () => {
  await requirePostgres(URL);
  const open = (nodeId: string): Promise<PostgresPorts> =>
    openPostgresPorts({ url: URL, schema, clock, defaultRetentionMaxAgeMs: 864e5, nodeId, poolSize: 4 });
  [a, b] = await Promise.all([open('node-a'), open('node-b')]);
});

after(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(URL, schema);
});

test('pull queue, two nodes - receivers on both never hold a delivery twice nor two of a group; all acked, groups in order', async () => {
  const GROUPS = 4;
  const PER_GROUP = 10;
  const FREE = 30;
  const entries: AppendedEntry[] = [];
  let seq = 0;
  for (let i = 0; i < GROUPS * PER_GROUP; i++) entries.push(entry(++seq, `g${i % GROUPS}`));
  for (let i = 0; i < FREE; i++) entries.push(entry(++seq, null));
  await a.recordAppended(entries);
  const total = entries.length;
  const key = { bus: 'default', rule: 'r', target: 'q' };
  const out = new Set<string>();
  const groupsOut = new Set<string>();
  const acked = new Set<string>();
  const ackOrder = new Map<string, number[]>();
  const violations: string[] = [];
  const consumer = async (node: PostgresPorts): Promise<void> => {
    let idle = 0;
    while (acked.size < total && idle < 300) {
      const now = clock.now();
      // Locks far longer than the test: none ends, so overlap can only come from a double receive.
      const { deliveries }: { deliveries: readonly LeasedDelivery[] } = await node.deliveries.receive(key, now, now + 3600_000, 5, 1000);
      if (deliveries.length === 0) {
        idle++;
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      idle = 0;
      for (const d of deliveries) {
        if (out.has(d.id)) violations.push(`delivery ${d.id} out twice`);
        out.add(d.id);
        if (d.group !== null) {
          if (groupsOut.has(d.group)) violations.push(`group ${d.group}: ${d.id} received while another of the group was out`);
          groupsOut.add(d.group);
        }
      }
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      const settlements: PullSettlement[] = deliveries.map((d) => (Math.random() < 0.3
        ? { type: 'release', id: d.id, lease: d.lease, dueAt: now }
        : { type: 'ack', id: d.id, lease: d.lease }));
      for (const d of deliveries) {
        out.delete(d.id);
        if (d.group !== null) groupsOut.delete(d.group);
      }
      const applied = await node.deliveries.settle([key], settlements, now);
      assert.deepEqual(applied, settlements.map(() => true));
      settlements.forEach((s, i) => {
        const d = deliveries[i]!;
        if (s.type !== 'ack') return;
        acked.add(d.id);
        if (d.group !== null) ackOrder.set(d.group, [...(ackOrder.get(d.group) ?? []), d.seq]);
      });
    }
  };
  await Promise.all([consumer(a), consumer(b), consumer(a), consumer(b)]);
  assert.deepEqual(violations, []);
  assert.equal(acked.size, total);
  for (const [g, seqs] of ackOrder) assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `group ${g} acked in bus order`);
  assert.deepEqual(await a.deliveries.counts(key), { pending: 0, inFlight: 0, dead: 0, waiting: 0 });
});
