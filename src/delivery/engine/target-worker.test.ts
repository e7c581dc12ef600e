import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetKey } from '../../store/index.js';
import { createTarget } from '../targets/index.js';
import { CompletionWriter } from './completion-writer.js';
import { engineWorld, receiver, settle, until, T0, type EngineWorld, type Receiver, type Script } from './engine-world.contract.js';
import { resolveTargetSpec } from './target-spec.js';
import { TargetWorker } from './target-worker.js';

const key: TargetKey = { bus: 'default', rule: 'r1', target: 't1' };
const defaults = { concurrency: 32, breakerFailureThreshold: 1000, breakerOpenMs: 30_000 };

interface Rig {
  readonly w: EngineWorld;
  readonly rx: Receiver;
  readonly worker: TargetWorker;
  readonly logs: string[];
  /** Moves the manual clock and lets the worker look for due work. */
  advance(ms: number): Promise<void>;
  done(): Promise<void>;
}

/**
 * A TargetWorker for `key` over a real store and a real receiver. random() is 0.5, so the
 * default policy's retry n waits exactly 500·2^(n-1) ms. The worker's idle sleep is an hour of
 * real time: only the test (advance/wake) and enqueues make it look for work.
 */
async function rig(script: Script, target: Record<string, unknown> = {}, opts: { disableAfterMs?: number } = {}): Promise<Rig> {
  const w = engineWorld();
  const rx = await receiver(script);
  const spec = resolveTargetSpec({ id: 't1', kind: 'http', url: rx.url, ...target }, 't1', defaults);
  const logs: string[] = [];
  const writer = new CompletionWriter(w.store.deliveries, w.clock, (err) => logs.push(`writer: ${String(err)}`));
  const worker = new TargetWorker(key, spec, createTarget(spec.raw, w.targetDeps()), {
    queue: w.store.deliveries, writer, clock: w.clock, random: () => 0.5, leaseMs: 60_000, pollIntervalMs: 3_600_000,
    disableAfterMs: opts.disableAfterMs ?? 3 * 86_400_000, log: (level, _obj, msg) => logs.push(`${level}: ${msg}`),
  });
  w.store.deliveries.onEnqueue(() => worker.wake());
  return {
    w, rx, worker, logs,
    async advance(ms) {
      w.clock.advance(ms);
      worker.wake();
      await settle();
    },
    async done() {
      await worker.stop(0);
      assert.deepEqual(logs.filter((l) => !l.startsWith('warn: ')), [], 'no errors logged');
      rx.close();
      await w.close();
    },
  };
}

const counts = (r: Rig): { pending: number; waiting: number; dead: number } => r.w.store.deliveries.counts(key);
const deliveredAll = (r: Rig, n: number): boolean => {
  const c = counts(r);
  return c.pending === 0 && c.waiting === 0 && r.rx.got.length >= n;
};

test('target worker - a 503 is retried on the backoff schedule, then delivered; every attempt is recorded', async () => {
  const r = await rig((q) => (q.n <= 2 ? { status: 503, body: 'busy' } : { status: 200 }));
  try {
    await r.w.put(key, ['e1']);
    await r.rx.waitFor(1);
    await until(() => r.w.store.deliveries.nextDue(key) === T0 + 500, 'retry 1 due at +500 ms');
    await r.advance(499);
    assert.equal(r.rx.got.length, 1, 'not sent before it is due');
    assert.equal(r.w.store.deliveries.nextDue(key), T0 + 500, 'still waiting, not leased');
    await r.advance(1);
    await r.rx.waitFor(2);
    await until(() => r.w.store.deliveries.nextDue(key) === T0 + 500 + 1000, 'retry 2 due 1000 ms after retry 1');
    await r.advance(1000);
    await r.rx.waitFor(3);
    await until(() => deliveredAll(r, 3), 'delivered');
    assert.deepEqual(r.rx.got.map((q) => q.ceId), ['e1', 'e1', 'e1']);
    assert.deepEqual(new Set(r.rx.got.map((q) => q.headers['webhook-id'])).size, 1, 'the same webhook id on every attempt (receivers dedupe)');
    const attempts = r.w.store.deliveries.attempts((await r.w.store.observe.deliveries(key.bus, (await r.w.store.events.get(key.bus, 'e1'))!.sequence))[0]!.id);
    assert.deepEqual(attempts.map((a) => [a.at, a.ok, a.status, a.response]), [[T0, false, 503, 'busy'], [T0 + 500, false, 503, 'busy'], [T0 + 1500, true, 200, null]]);
  } finally {
    await r.done();
  }
});

test('target worker - Retry-After of a 429 sets the next attempt, up to the policy cap', async () => {
  const r = await rig((q) => (q.n === 1 ? { status: 429, headers: { 'retry-after': '7' } } : q.n === 2 ? { status: 503, headers: { 'retry-after': '86400' } } : { status: 204 }), {
    retry: { retryAfterCapMs: 60_000 },
  });
  try {
    await r.w.put(key, ['e1']);
    await r.rx.waitFor(1);
    await until(() => r.w.store.deliveries.nextDue(key) === T0 + 7_000, 'retry at +7 s');
    await r.advance(7_000);
    await r.rx.waitFor(2);
    await until(() => r.w.store.deliveries.nextDue(key) === T0 + 7_000 + 60_000, 'retry after the 60 s cap');
    await r.advance(60_000);
    await r.rx.waitFor(3);
    await until(() => deliveredAll(r, 3), 'delivered');
  } finally {
    await r.done();
  }
});

test('target worker - a non-retryable 404 is dead-lettered at once with event, payload, error and the attempt', async () => {
  const r = await rig(() => ({ status: 404, body: 'no such hook' }));
  try {
    await r.w.put(key, ['e1']);
    await until(() => counts(r).dead === 1, 'dead letter');
    const [s] = r.w.store.deliveries.listDead({ bus: 'default' }, 10).items;
    const dl = r.w.store.deliveries.getDead(s!.id)!;
    assert.equal(dl.eventId, 'e1');
    assert.match(dl.lastError ?? '', /^not retryable: http 404/);
    assert.match(dl.event ?? '', /"id":"e1"/);
    assert.match(dl.payload ?? '', /"id":"e1"/);
    assert.equal(dl.attemptLog.length, 1);
    assert.equal(dl.attemptLog[0]!.status, 404);
    assert.equal(dl.attemptLog[0]!.response, 'no such hook');
    assert.equal(r.rx.got.length, 1);
  } finally {
    await r.done();
  }
});

test('target worker - after maxAttempts the delivery is dead-lettered with every attempt', async () => {
  const r = await rig((q) => ({ status: 500, body: `fail ${q.n}` }), { retry: { maxAttempts: 2 } });
  try {
    await r.w.put(key, ['e1']);
    await r.rx.waitFor(1);
    await until(() => r.w.store.deliveries.nextDue(key) === T0 + 500, 'retry 1');
    await r.advance(500);
    await r.rx.waitFor(2);
    await until(() => r.w.store.deliveries.nextDue(key) === T0 + 1500, 'retry 2');
    await r.advance(1000);
    await r.rx.waitFor(3);
    await until(() => counts(r).dead === 1, 'dead letter');
    const id = r.w.store.deliveries.listDead({}, 10).items[0]!.id;
    const dl = r.w.store.deliveries.getDead(id)!;
    assert.match(dl.lastError ?? '', /gave up after 3 attempt\(s\): http 500/);
    assert.equal(dl.attempts, 3);
    assert.deepEqual(dl.attemptLog.map((a) => [a.at, a.status, a.response]), [[T0, 500, 'fail 1'], [T0 + 500, 500, 'fail 2'], [T0 + 1500, 500, 'fail 3']]);
    assert.match(dl.event ?? '', /"id":"e1"/);
    assert.ok(dl.payload !== null);
    await r.advance(3_600_000);
    assert.equal(r.rx.got.length, 3, 'a dead letter is not sent again');
  } finally {
    await r.done();
  }
});

test('target worker - FIFO: bus order within a group, one in flight per group, a failing event blocks only its group', async () => {
  const r = await rig(() => 'hold', { ordering: { groupBy: 'partitionkey' } });
  const byGroup = (g: string): string[] => r.rx.got.filter((q) => q.ceId!.startsWith(g)).map((q) => q.ceId!);
  const find = (id: string, nth = 0): NonNullable<(typeof r.rx.got)[number]> => r.rx.got.filter((q) => q.ceId === id)[nth]!;
  try {
    await r.w.put(key, ['A1', 'B1', 'A2', 'B2', 'A3'], ['A', 'B', 'A', 'B', 'A']);
    await r.rx.waitFor(2);
    await settle();
    assert.deepEqual(r.rx.got.map((q) => q.ceId).sort(), ['A1', 'B1'], 'only the head of each group is sent; groups go in parallel');
    find('A1').answer(503);
    find('B1').answer(200);
    await r.rx.waitFor(3);
    await settle();
    assert.equal(r.rx.got[2]!.ceId, 'B2', 'B moves on while A is backing off');
    find('B2').answer(200);
    await until(() => counts(r).pending === 1 && counts(r).waiting === 2, 'A1 pending (retry), A2 and A3 waiting');
    assert.equal(r.rx.got.length, 3, 'A2 does not overtake the failing A1');
    await r.advance(500);
    await r.rx.waitFor(4);
    assert.equal(r.rx.got[3]!.ceId, 'A1');
    find('A1', 1).answer(200);
    await r.rx.waitFor(5);
    find('A2').answer(200);
    await r.rx.waitFor(6);
    find('A3').answer(200);
    await until(() => deliveredAll(r, 6), 'all delivered');
    assert.deepEqual(byGroup('A'), ['A1', 'A1', 'A2', 'A3']);
    assert.deepEqual(byGroup('B'), ['B1', 'B2']);
    assert.equal(r.rx.maxOpen(), 2, 'never more than one per group in flight');
  } finally {
    await r.done();
  }
});

test('target worker - an unordered target has at most `concurrency` sends in flight', async () => {
  const r = await rig(() => 'hold', { concurrency: 3 });
  try {
    await r.w.put(key, Array.from({ length: 10 }, (_, i) => `e${i}`));
    await r.rx.waitFor(3);
    await settle(20);
    assert.equal(r.rx.got.length, 3);
    for (let answered = 0; answered < 10; answered++) {
      await r.rx.waitFor(answered + 1);
      r.rx.got[answered]!.answer(204);
    }
    await until(() => deliveredAll(r, 10), 'all delivered');
    assert.equal(r.rx.maxOpen(), 3);
    assert.deepEqual(r.rx.got.map((q) => q.ceId), Array.from({ length: 10 }, (_, i) => `e${i}`), 'sent in enqueue order');
  } finally {
    await r.done();
  }
});

test('target worker - the circuit breaker opens after N failures, probes once when half-open, closes on success', async () => {
  const r = await rig((q) => (q.n <= 2 ? { status: 503 } : { status: 204 }), { concurrency: 1, circuitBreaker: { failureThreshold: 2, openMs: 10_000 } });
  try {
    await r.w.put(key, ['e1', 'e2', 'e3']);
    await r.rx.waitFor(2);
    await until(() => r.worker.status(r.w.clock.now()).breaker.type === 'open', 'breaker open');
    assert.deepEqual(r.worker.status(r.w.clock.now()).breaker, { type: 'open', until: T0 + 10_000 });
    await r.advance(5_000);
    assert.equal(r.rx.got.length, 2, 'nothing is sent while open, though retries are due');
    await r.advance(5_000);
    await r.rx.waitFor(3);
    await until(() => r.worker.status(r.w.clock.now()).breaker.type === 'closed', 'closed after the probe succeeded');
    await until(() => deliveredAll(r, 5), 'the rest delivered');
    assert.equal(r.rx.maxOpen(), 1);
  } finally {
    await r.done();
  }
});

test('target worker - the rate limit spaces sends: burst first, then perSecond', async () => {
  const r = await rig(() => ({ status: 204 }), { rateLimit: { perSecond: 2, burst: 2 } });
  try {
    await r.w.put(key, ['e1', 'e2', 'e3', 'e4', 'e5']);
    await r.rx.waitFor(2);
    await settle(20);
    assert.equal(r.rx.got.length, 2, 'the burst');
    await r.advance(499);
    assert.equal(r.rx.got.length, 2);
    await r.advance(1);
    await r.rx.waitFor(3);
    await r.advance(1000);
    await r.rx.waitFor(5);
    await until(() => deliveredAll(r, 5), 'delivered');
  } finally {
    await r.done();
  }
});

test('target worker - a batching target sends up to maxBatchSize deliveries per request', async () => {
  const r = await rig(() => ({ status: 200 }), { batch: { maxBatchSize: 3 }, batchFormat: 'json' });
  try {
    await r.w.put(key, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    await until(() => deliveredAll(r, 3), 'delivered');
    // A lone delivery goes as a single event (binary mode), not as a one-element array.
    const ids = r.rx.got.map((q) => (q.ceId !== undefined ? [q.ceId] : (JSON.parse(q.body) as { id: string }[]).map((e) => e.id)));
    assert.deepEqual(ids, [['e1', 'e2', 'e3'], ['e4', 'e5', 'e6'], ['e7']]);
  } finally {
    await r.done();
  }
});

test('target worker - a batching target holds at most ~1,000 deliveries leased at once (memory), in whole batches', async () => {
  const r = await rig(() => 'hold', { batch: { maxBatchSize: 100 }, batchFormat: 'json' });
  // Leased = pending and due after now (a lease moves the due time), read from the event traces.
  const leased = async (): Promise<number> => {
    const now = r.w.clock.now();
    let n = 0;
    for (let seq = 1; seq <= 1500; seq++) n += (await r.w.store.observe.deliveries(key.bus, seq)).filter((d) => d.state === 'pending' && d.dueAt > now).length;
    return n;
  };
  try {
    await r.w.put(key, Array.from({ length: 1500 }, (_, i) => `e${i}`));
    await r.rx.waitFor(10);
    await settle(20);
    assert.equal(r.rx.got.length, 10, '10 batches of 100 in flight, though 32 sends are allowed');
    assert.equal(await leased(), 1000);
    r.rx.got[0]!.answer(200);
    await r.rx.waitFor(11);
    for (let i = 1; i < 15; i++) {
      await r.rx.waitFor(i + 1);
      r.rx.got[i]!.answer(200);
    }
    await until(() => deliveredAll(r, 15), 'all delivered');
    assert.deepEqual(r.rx.got.map((q) => (JSON.parse(q.body) as unknown[]).length), Array.from({ length: 15 }, () => 100));
  } finally {
    await r.done();
  }
});

test('target worker - a target failing continuously for disableAfterMs is disabled and its queue dead-lettered', async () => {
  const r = await rig(() => ({ status: 503 }), {}, { disableAfterMs: 60_000 });
  try {
    await r.w.put(key, ['e1']);
    for (let n = 1; r.w.store.deliveries.health(key)?.disabledAt == null; n++) {
      assert.ok(n < 20, 'disabled within 20 attempts');
      await r.rx.waitFor(n);
      await until(() => r.rx.got.length === n && r.w.store.deliveries.health(key) !== undefined && counts(r).pending === 1 &&
        r.w.store.deliveries.nextDue(key)! < r.w.clock.now() + 60_000, `attempt ${n} written`);
      if (r.w.store.deliveries.health(key)?.disabledAt != null) break;
      await r.advance(r.w.store.deliveries.nextDue(key)! - r.w.clock.now());
    }
    const h = r.w.store.deliveries.health(key)!;
    assert.equal(h.failingSince, T0);
    assert.ok(h.disabledAt! - T0 >= 60_000);
    await r.w.put(key, ['e2']);
    await until(() => counts(r).dead === 2, 'the queue and new work dead-lettered');
    const dead = r.w.store.deliveries.listDead({}, 10).items;
    assert.deepEqual(dead.map((d) => d.eventId), ['e1', 'e2']);
    assert.match(dead[1]!.lastError ?? '', /target disabled/);
    assert.ok(r.logs.includes('warn: target disabled after failing continuously'));
    const sent = r.rx.got.length;
    r.worker.enable();
    assert.equal(r.w.store.deliveries.health(key), undefined);
    assert.equal(r.w.store.deliveries.redrive({ filter: { bus: 'default' } }, r.w.clock.now()), 2);
    await r.rx.waitFor(sent + 2);
  } finally {
    await r.done();
  }
});

test('target worker - stop gives held and in-flight deliveries back (due again), nothing is lost', async () => {
  const r = await rig(() => 'hold', { concurrency: 2 });
  try {
    await r.w.put(key, ['e1', 'e2', 'e3']);
    await r.rx.waitFor(2);
    await r.worker.stop(0);
    assert.deepEqual(counts(r), { pending: 3, waiting: 0, dead: 0 });
    assert.equal(r.w.store.deliveries.nextDue(key), T0, 'the aborted sends are due now, not at lease expiry');
    assert.equal(r.w.store.deliveries.listDead({}, 10).items.length, 0);
  } finally {
    await r.done();
  }
});
