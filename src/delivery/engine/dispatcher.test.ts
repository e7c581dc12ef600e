import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuleTarget } from '../../core/index.js';
import { CatalogView, type TargetKey } from '../../store/index.js';
import { createTarget } from '../targets/index.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { engineWorld, idle, receiver, settle, until, T0, type EngineWorld, type Script } from './engine-world.contract.js';

const key: TargetKey = { bus: 'default', rule: 'r1', target: 't1' };

const options: DispatcherOptions = {
  // The tick only looks for work the manual clock made due; it never decides timing here.
  pollIntervalMs: 10, leaseMs: 60_000, defaultConcurrency: 32, disableAfterMs: 3 * 86_400_000,
  breakerFailureThreshold: 1000, breakerOpenMs: 30_000, keepDeliveredMs: 86_400_000, shutdownGraceMs: 0,
};

async function dispatcher(w: EngineWorld, o: Partial<DispatcherOptions> = {}): Promise<Dispatcher> {
  return new Dispatcher({
    store: w.store, rules: await CatalogView.open(w.store.catalog), clock: w.clock, options: { ...options, ...o }, random: () => 0.5,
    createTarget: (spec) => createTarget(spec, w.targetDeps()),
    log: { warn: () => undefined, error: (obj, msg) => errors.push(`${msg}: ${String((obj as { err?: unknown }).err)}`) },
  });
}

async function rule(w: EngineWorld, targets: readonly RuleTarget[]): Promise<void> {
  await w.store.catalog.rules.put({ bus: 'default', name: 'r1', description: null, state: 'enabled', filter: {}, targets });
}

/** Errors the dispatcher logged during a test; none is expected. */
const errors: string[] = [];

async function withReceiver(script: Script, f: (w: EngineWorld, url: string, rx: Awaited<ReturnType<typeof receiver>>) => Promise<void>): Promise<void> {
  const w = engineWorld();
  const rx = await receiver(script);
  errors.length = 0;
  try {
    await f(w, rx.url, rx);
    assert.deepEqual(errors, [], 'no errors logged');
  } finally {
    rx.close();
    await w.close();
  }
}

test('dispatcher - a delivery enqueued with its event is sent at once; a 503 is retried on schedule', async () => {
  await withReceiver((q) => (q.n === 1 ? { status: 503 } : { status: 200 }), async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url }]);
    const d = await dispatcher(w);
    await d.start();
    try {
      await w.put(key, ['e1']);
      await rx.waitFor(1);
      await until(async () => (await w.store.deliveries.nextDue(key)) === T0 + 500, 'retry due at +500 ms');
      await settle(20);
      assert.equal(rx.got.length, 1, 'the tick does not send early');
      w.clock.advance(500);
      await rx.waitFor(2);
      await until(async () => (await idle(w.store, key)), 'delivered');
      const [status] = (await d.targets('default', 'r1'))!;
      assert.equal(status!.state, 'enabled');
      assert.deepEqual(status!.deliveries, { pending: 0, inFlight: 0, dead: 0, waiting: 0 });
      assert.equal(status!.failingSince, null, 'a success clears the failing state');
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - a dead letter is kept and a copy goes to the dead-letter target', async () => {
  const dlq = await receiver(() => ({ status: 202 }));
  try {
    await withReceiver(() => ({ status: 410, body: 'gone' }), async (w, url) => {
      await rule(w, [{ id: 't1', kind: 'http', url, deadLetter: { kind: 'http', url: dlq.url } }]);
      const d = await dispatcher(w);
      await d.start();
      try {
        await w.put(key, ['e1']);
        await dlq.waitFor(1);
        assert.equal(dlq.got[0]!.ceId, 'e1');
        await until(async () => (await idle(w.store, { ...key, target: 't1#dead-letter' })), 'copy delivered');
        const [dead] = (await w.store.deliveries.listDead({ bus: 'default', target: 't1' }, 10)).items;
        assert.match(dead!.lastError ?? '', /not retryable: http 410/);
        assert.equal((await w.store.deliveries.getDead(dead!.id))!.attemptLog[0]!.response, 'gone');
      } finally {
        await d.stop();
      }
    });
  } finally {
    dlq.close();
  }
});

test('dispatcher - work whose hint never came (another node\'s commit, a lost notification) is found by the periodic scan', async () => {
  await withReceiver(() => ({ status: 204 }), async (w, url, rx) => {
    rule(w, [{ id: 't1', kind: 'http', url }]);
    // A queue whose hints reach nobody: correctness must not depend on them.
    w.store.deliveries.watchWork = () => () => undefined;
    const d = await dispatcher(w);
    await d.start();
    try {
      await w.put(key, ['e1', 'e2']);
      await rx.waitFor(2);
      await until(async () => idle(w.store, key), 'delivered');
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - leases left by a crashed process end when the store reopens: at-least-once', async () => {
  await withReceiver(() => ({ status: 204 }), async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url }]);
    await w.put(key, ['e1', 'e2', 'e3']);
    // A process leased two deliveries (and maybe sent them), then died before writing outcomes.
    const leased = (await w.store.deliveries.lease(key, T0, T0 + 3_600_000, 2));
    assert.equal(leased.length, 2);
    // The store that opens the directory next holds its lock: the dead process's leases end at once.
    const store = await w.reopen();
    assert.deepEqual(await store.deliveries.counts(key), { pending: 3, inFlight: 0, dead: 0, waiting: 0 });
    assert.equal(await store.deliveries.nextDue(key), T0, 'due now, not in an hour');
    const d = await dispatcher(w);
    await d.start();
    try {
      await rx.waitFor(3);
      await until(async () => (await idle(store, key)), 'all delivered');
      assert.deepEqual(rx.got.map((q) => q.ceId).sort(), ['e1', 'e2', 'e3']);
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - FIFO groups across the dispatcher: bus order per group, a failing head blocks only its group', async () => {
  await withReceiver((q) => (q.ceId === 'A1' && q.n <= 2 ? { status: 503 } : { status: 204 }), async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url, ordering: { groupBy: 'partitionkey' } }]);
    const d = await dispatcher(w);
    await d.start();
    try {
      await w.put(key, ['A1', 'B1', 'A2', 'B2', 'B3'], ['A', 'B', 'A', 'B', 'B']);
      await until(async () => rx.got.filter((q) => q.ceId!.startsWith('B')).length === 3, 'group B delivered');
      assert.deepEqual(rx.got.filter((q) => q.ceId!.startsWith('A')).map((q) => q.ceId), ['A1'], 'A2 waits behind A1');
      w.clock.advance(500);
      await until(async () => (await w.store.deliveries.counts(key)).pending + (await w.store.deliveries.counts(key)).inFlight === 0, 'all delivered');
      assert.deepEqual(rx.got.filter((q) => q.ceId!.startsWith('A')).map((q) => q.ceId), ['A1', 'A1', 'A2']);
      assert.deepEqual(rx.got.filter((q) => q.ceId!.startsWith('B')).map((q) => q.ceId), ['B1', 'B2', 'B3']);
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - removing a target from its rule dead-letters its pending deliveries', async () => {
  await withReceiver(() => 'hold', async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url, concurrency: 1 }]);
    // The send in flight is given time to finish (then e1 is delivered, not released and dead-lettered).
    const d = await dispatcher(w, { shutdownGraceMs: 60_000 });
    await d.start();
    try {
      await w.put(key, ['e1', 'e2']);
      await rx.waitFor(1);
      w.clock.advance(1);
      // A direct catalog write: the dispatcher learns of it from the change feed.
      await rule(w, [{ id: 'other', kind: 'log' }]);
      rx.got[0]!.answer(204);
      await until(async () => (await w.store.deliveries.counts(key)).dead === 1 && (await idle(w.store, key)), 'e2 dead-lettered');
      const [dead] = (await w.store.deliveries.listDead({ target: 't1' }, 10)).items;
      assert.equal(dead!.eventId, 'e2');
      assert.equal(rx.got.length, 1);
      assert.match(dead!.lastError ?? '', /target "t1" was removed from the rule/);
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - a rule change made by a direct catalog write applies at once, without a tick (change feed)', async () => {
  await withReceiver(() => 'hold', async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url, concurrency: 1 }]);
    // No tick within the test: only the catalog's change feed can tell the dispatcher.
    const d = await dispatcher(w, { pollIntervalMs: 3_600_000, shutdownGraceMs: 60_000 });
    await d.start();
    try {
      await w.put(key, ['e1', 'e2']);
      await rx.waitFor(1);
      await w.store.catalog.rules.put({ bus: 'default', name: 'r1', description: null, state: 'enabled', filter: {}, targets: [{ id: 'other', kind: 'log' }] });
      rx.got[0]!.answer(204);
      await until(async () => (await w.store.deliveries.counts(key)).dead === 1 && (await idle(w.store, key)), 'e2 dead-lettered');
      assert.equal(rx.got.length, 1);
      // Deleting the rule (directly too) retires nothing more and logs no error.
      assert.equal(await w.store.catalog.rules.delete('default', 'r1'), true);
      assert.equal(await d.targets('default', 'r1'), undefined);
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - on a full disk it starts, logs no error per attempt, and dead-letters a removed target\'s deliveries on a later tick', async () => {
  await withReceiver(() => ({ status: 200 }), async (w, url) => {
    await rule(w, [{ id: 't1', kind: 'http', url }]);
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    // Dead-lettering copies each event into its delivery row: 20 × 4 KB needs new pages.
    await w.put(key, ids, undefined, { padding: 'x'.repeat(4000) });
    await rule(w, [{ id: 'other', kind: 'log' }]);
    // The database may not grow: every write that needs a page fails with SQLITE_FULL.
    w.store.db.pragma(`max_page_count = ${w.store.db.pragma('page_count', { simple: true }) as number}`);
    const d = await dispatcher(w);
    await d.start(); // dead-lettering t1's work fails here; before, the SQLITE_FULL left start()
    try {
      assert.equal((await w.store.deliveries.counts(key)).pending, 20);
      assert.equal(w.store.writes.failing('dead letters')?.code, 'SQLITE_FULL');
      w.store.db.pragma('max_page_count = 1073741823');
      await until(async () => (await w.store.deliveries.counts(key)).dead === 20, 'dead-lettered by a later tick');
      assert.equal(w.store.writes.failing(), undefined);
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - a disabled target shows in its state and is re-enabled by enable()', async () => {
  await withReceiver((q) => (q.n <= 3 ? { status: 503 } : { status: 204 }), async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url }]);
    const d = await dispatcher(w, { disableAfterMs: 1000 });
    await d.start();
    try {
      await w.put(key, ['e1']);
      await rx.waitFor(1);
      await until(async () => (await w.store.deliveries.nextDue(key)) === T0 + 500, 'retry 1');
      w.clock.advance(500);
      await rx.waitFor(2);
      await until(async () => (await w.store.deliveries.nextDue(key)) === T0 + 1500, 'retry 2');
      w.clock.advance(1000);
      await rx.waitFor(3);
      await until(async () => (await d.targets('default', 'r1'))![0]!.state === 'disabled', 'disabled after failing 1.5 s > 1 s');
      await until(async () => (await w.store.deliveries.counts(key)).dead === 1, 'its queue dead-lettered');
      const s = (await d.targets('default', 'r1'))![0]!;
      assert.equal(s.failingSince, T0);
      assert.equal(s.disabledAt, T0 + 1500);
      assert.equal(await d.enable(key), true);
      assert.equal(await d.enable({ ...key, target: 'nope' }), false);
      assert.equal((await d.targets('default', 'r1'))![0]!.state, 'enabled');
      (await w.store.deliveries.redrive({ filter: { target: 't1' } }, w.clock.now()));
      await rx.waitFor(4);
      await until(async () => (await idle(w.store, key)), 'delivered after redrive');
    } finally {
      await d.stop();
    }
  });
});

test('dispatcher - a rule change applies the target\'s new rate limit at once', async () => {
  await withReceiver(() => ({ status: 204 }), async (w, url, rx) => {
    await rule(w, [{ id: 't1', kind: 'http', url, rateLimit: { perSecond: 0.001, burst: 1 } }]);
    const d = await dispatcher(w);
    await d.start();
    try {
      await w.put(key, ['e1', 'e2', 'e3']);
      await rx.waitFor(1);
      await settle(20);
      assert.equal(rx.got.length, 1, 'one token only');
      w.clock.advance(1);
      // A direct catalog write: the dispatcher learns of it from the change feed.
      await rule(w, [{ id: 't1', kind: 'http', url }]);
      await rx.waitFor(3);
      await until(async () => (await idle(w.store, key)), 'delivered');
    } finally {
      await d.stop();
    }
  });
});
