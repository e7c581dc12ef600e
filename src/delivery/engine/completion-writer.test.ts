import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptRecord, TargetKey } from '../../store/index.js';
import { CompletionWriter } from './completion-writer.js';
import { engineWorld, settle, T0 } from './engine-world.contract.js';

const key: TargetKey = { bus: 'default', rule: 'r1', target: 't1' };
const ok: AttemptRecord = { at: T0, durationMs: 1, ok: true, status: 204, errorClass: null, message: null, response: null };

test('completion writer - completions submitted in one turn are written together, then every `after` runs', async () => {
  const w = engineWorld();
  try {
    await w.put(key, ['e1', 'e2', 'e3']);
    const [a, b, c] = (await w.store.deliveries.lease(key, T0, T0 + 60_000, 10));
    const commits: number[] = [];
    const q = w.store.deliveries;
    const complete = q.complete.bind(q);
    q.complete = (cs, now) => {
      commits.push(cs.length);
      return complete(cs, now);
    };
    const order: string[] = [];
    const writer = new CompletionWriter(q, w.clock, (err) => assert.fail(String(err)));
    writer.submit([{ type: 'delivered', id: a!.id, lease: a!.lease, attempt: ok }], () => order.push('a'));
    writer.submit([{ type: 'delivered', id: b!.id, lease: b!.lease, attempt: ok }, { type: 'retry', id: c!.id, lease: c!.lease, attempt: { ...ok, ok: false, status: 503 }, dueAt: T0 + 500, error: 'http 503' }], () => order.push('bc'));
    assert.deepEqual(commits, [], 'nothing written synchronously');
    await settle();
    assert.deepEqual(commits, [3], 'one write for the turn');
    assert.deepEqual(order, ['a', 'bc'], 'after the write, in submission order');
    assert.deepEqual(await q.counts(key), { pending: 1, inFlight: 0, dead: 0, waiting: 0 }, 'only the retried one is still pending');
    assert.equal(await q.nextDue(key), T0 + 500);
  } finally {
    await w.close();
  }
});

test('completion writer - a failed write is reported and still frees the slots (the leases expire: re-delivery)', async () => {
  const w = engineWorld();
  try {
    await w.put(key, ['e1']);
    const [a] = (await w.store.deliveries.lease(key, T0, T0 + 60_000, 10));
    const q = w.store.deliveries;
    w.store.db.pragma('query_only = ON'); // a real write failure: the database refuses writes
    const errors: string[] = [];
    let freed = 0;
    const writer = new CompletionWriter(q, w.clock, (err) => errors.push((err as Error).message));
    writer.submit([{ type: 'delivered', id: a!.id, lease: a!.lease, attempt: ok }], () => freed++);
    await writer.flush();
    w.store.db.pragma('query_only = OFF');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /readonly/i);
    assert.equal(freed, 1);
    assert.equal((await w.store.deliveries.nextDue(key)), T0 + 60_000, 'still leased: due again when the lease expires');
  } finally {
    await w.close();
  }
});
