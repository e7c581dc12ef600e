// The BreakerBoard port's contract (src/store/breaker-types.ts): what the delivery engine's
// circuit breakers rely on, whether the board is this process's (LocalBreakerBoard) or shared by
// the nodes of a cluster (PostgreSQL). Each case gets two handles on one board's state — two
// nodes of a cluster, or the same in-process board twice — so "another process" is covered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BreakerBoard, BreakerRecord } from '../breaker-types.js';
import type { TargetKey } from '../delivery-types.js';

export interface BreakerBoardBackend {
  /** Two handles on one board's state (two nodes; or one in-process board twice). */
  readonly boards: readonly [BreakerBoard, BreakerBoard];
  readonly cleanup: () => Promise<void>;
}

export interface BreakerBoardContractOptions {
  readonly name: string;
  readonly create: () => Promise<BreakerBoardBackend>;
  /** Case name → why this board does not run it. */
  readonly skip?: Readonly<Record<string, string>>;
}

const T = 1_700_000_000_000;
const hook: TargetKey = { bus: 'orders', rule: 'r1', target: 'hook' };
const other: TargetKey = { bus: 'orders', rule: 'r1', target: 'other' };
const settings = { failureThreshold: 3, openMs: 10_000 };

/** Waits for a condition another process's notice makes true (bounded; no fixed sleep). */
async function eventually(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(ok(), what);
}

type Case = readonly [name: string, run: (a: BreakerBoard, b: BreakerBoard) => Promise<void>];

const cases: Case[] = [
  ['breaker board - a target no one has written is closed with no failures', async (a) => {
    const r = await a.load(hook);
    assert.deepEqual([r.failures, r.openUntil, r.probeUntil], [0, null, null]);
  }],

  ['breaker board - failures from both handles add up; the one that reaches the threshold is told "opened"', async (a, b) => {
    assert.equal((await a.failure(hook, settings, T)).change, null);
    assert.equal((await b.failure(hook, settings, T + 1)).change, null);
    const w = await a.failure(hook, settings, T + 2);
    assert.equal(w.change, 'opened');
    assert.deepEqual([w.record.failures, w.record.openUntil], [3, T + 2 + 10_000]);
    const seen = await b.load(hook);
    assert.deepEqual([seen.failures, seen.openUntil], [3, T + 10_002]);
    assert.deepEqual((await a.load(other)).openUntil, null, 'another target is not affected');
  }],

  ['breaker board - a success zeroes the count ("closed" only when it was open); a success on a clean breaker changes nothing', async (a, b) => {
    await a.failure(hook, settings, T);
    await a.failure(hook, settings, T);
    const s = await b.success(hook, T);
    assert.equal(s.change, null);
    assert.equal(s.record.failures, 0);
    assert.equal((await a.success(hook, T)).change, null);
    for (let i = 0; i < 3; i++) await a.failure(hook, settings, T);
    const c = await b.success(hook, T + 1);
    assert.equal(c.change, 'closed');
    assert.deepEqual([c.record.failures, c.record.openUntil, c.record.probeUntil], [0, null, null]);
  }],

  ['breaker board - a failure while open opens it again from then, told to no one; a failure when half-open is told "opened"', async (a, b) => {
    for (let i = 0; i < 3; i++) await a.failure(hook, settings, T);
    const again = await b.failure(hook, settings, T + 4_000);
    assert.equal(again.change, null);
    assert.equal(again.record.openUntil, T + 14_000);
    const probeFailed = await a.failure(hook, settings, T + 14_000);
    assert.equal(probeFailed.change, 'opened');
    assert.equal(probeFailed.record.openUntil, T + 24_000);
  }],

  ['breaker board - the half-open probe is claimed by exactly one of many concurrent claims, from either handle', async (a, b) => {
    for (let i = 0; i < 3; i++) await a.failure(hook, settings, T);
    assert.equal((await b.claimProbe(hook, T + 9_999, T + 20_000)).change, null, 'not while open');
    const now = T + 10_000;
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).claimProbe(hook, now, now + 5_000)));
    assert.equal(claims.filter((c) => c.change === 'probing').length, 1);
    const held = await a.load(hook);
    assert.equal(held.probeUntil, now + 5_000);
    assert.equal((await b.claimProbe(hook, now + 4_999, now + 9_000)).change, null, 'held until it lapses');
    const lapsed = await b.claimProbe(hook, now + 5_000, now + 10_000);
    assert.equal(lapsed.change, 'probing', 'a lapsed probe (its holder died) is claimed again');
  }],

  ['breaker board - the probe\'s outcome settles it: success closes it, failure opens it again and frees the probe', async (a, b) => {
    for (let i = 0; i < 3; i++) await a.failure(hook, settings, T);
    assert.equal((await a.claimProbe(hook, T + 10_000, T + 15_000)).change, 'probing');
    const failed = await a.failure(hook, settings, T + 11_000);
    assert.equal(failed.change, 'opened');
    assert.deepEqual([failed.record.openUntil, failed.record.probeUntil], [T + 21_000, null]);
    assert.equal((await b.claimProbe(hook, T + 21_000, T + 26_000)).change, 'probing', 'the next probe may go from another handle');
    const closed = await b.success(hook, T + 21_500);
    assert.equal(closed.change, 'closed');
    assert.equal((await a.claimProbe(hook, T + 22_000, T + 27_000)).change, null, 'no probe while closed');
  }],

  ['breaker board - reset closes an open breaker ("closed"), and is a no-op on a closed one', async (a, b) => {
    for (let i = 0; i < 3; i++) await a.failure(hook, settings, T);
    assert.equal((await b.reset(hook)).change, 'closed');
    assert.equal((await a.load(hook)).openUntil, null);
    assert.equal((await a.reset(hook)).change, null);
  }],

  ['breaker board - versions grow with every write, and watchers hear the other handle\'s writes with the newest record', async (a, b) => {
    const heard: BreakerRecord[] = [];
    const unwatch = b.watch((k, r) => {
      if (k.bus === hook.bus && k.rule === hook.rule && k.target === hook.target) heard.push(r);
    });
    try {
      const w1 = await a.failure(hook, settings, T);
      const w2 = await a.failure(hook, settings, T);
      const w3 = await a.failure(hook, settings, T);
      assert.ok(w1.record.version < w2.record.version && w2.record.version < w3.record.version);
      await eventually('the opened record reaches the other handle\'s watcher', () => heard.some((r) => r.version === w3.record.version));
      const newest = heard.reduce((m, r) => (r.version > m.version ? r : m));
      assert.deepEqual(newest, w3.record);
    } finally {
      unwatch();
    }
  }],
];

export function runBreakerBoardContract(opts: BreakerBoardContractOptions): void {
  describe(`${opts.name}: breaker board`, () => {
    for (const [name, run] of cases) {
      test(name, async (t) => {
        const reason = opts.skip?.[name];
        if (reason !== undefined) {
          t.skip(reason);
          return;
        }
        const backend = await opts.create();
        try {
          await run(...backend.boards);
        } finally {
          await backend.cleanup();
        }
      });
    }
  });
}
