import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { LocalBreakerBoard, type BreakerBoard } from '../../store/index.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

const key = { bus: 'default', rule: 'r1', target: 't1' };
/** Lets the board's answers (promises) land. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function breaker(threshold: number, openMs: number, board: BreakerBoard = new LocalBreakerBoard()): { b: CircuitBreaker; changes: BreakerState[]; wakes: { n: number } } {
  const changes: BreakerState[] = [];
  const wakes = { n: 0 };
  const b = new CircuitBreaker(board, key, { failureThreshold: threshold, openMs }, 500, {
    changed: (s) => changes.push(s), wake: () => void wakes.n++, failed: (err) => assert.fail(String(err)),
  });
  return { b, changes, wakes };
}

test('circuit breaker - closed counts consecutive failures; a success resets the count', async () => {
  const clock = new ManualClock();
  const { b } = breaker(3, 1000);
  b.failure(clock.now());
  b.failure(clock.now());
  await turn();
  assert.deepEqual(b.state(clock.now()), { type: 'closed', consecutiveFailures: 2 });
  assert.equal(b.allowance(clock.now(), 7), Infinity);
  b.success(clock.now());
  b.failure(clock.now());
  b.failure(clock.now());
  await turn();
  assert.deepEqual(b.state(clock.now()), { type: 'closed', consecutiveFailures: 2 }, 'not 4: the success broke the run');
});

test('circuit breaker - opens after N consecutive failures, tells it once, and lets nothing through while open', async () => {
  const clock = new ManualClock();
  const { b, changes } = breaker(3, 1000);
  for (let i = 0; i < 3; i++) b.failure(clock.now());
  await turn();
  const t = clock.now();
  assert.deepEqual(b.state(t), { type: 'open', until: t + 1000 });
  assert.deepEqual(changes, [{ type: 'open', until: t + 1000 }]);
  assert.equal(b.allowance(t, 0), 0);
  assert.equal(b.openUntil(t), t + 1000);
  clock.advance(999);
  assert.equal(b.allowance(clock.now(), 0), 0);
});

test('circuit breaker - half-open after openMs lets exactly one probe through, once claimed', async () => {
  const clock = new ManualClock();
  const { b, changes, wakes } = breaker(1, 1000);
  b.failure(clock.now());
  await turn();
  clock.advance(1000);
  assert.deepEqual(b.state(clock.now()), { type: 'half-open' });
  assert.equal(b.openUntil(clock.now()), undefined);
  assert.equal(b.allowance(clock.now(), 1), 0, 'not while an older send is still in flight');
  const woken = wakes.n;
  assert.equal(b.allowance(clock.now(), 0), 0, 'the claim is asked for first');
  await turn();
  assert.ok(wakes.n > woken, 'the granted claim wakes the worker');
  assert.deepEqual(changes.at(-1), { type: 'half-open' });
  assert.equal(b.allowance(clock.now(), 0), 1);
  b.probe(clock.now());
  assert.equal(b.allowance(clock.now(), 0), 0, 'one probe at a time');
});

test('circuit breaker - a successful probe closes it', async () => {
  const clock = new ManualClock();
  const { b, changes } = breaker(2, 1000);
  b.failure(clock.now());
  b.failure(clock.now());
  clock.advance(1000);
  await turn();
  b.allowance(clock.now(), 0);
  await turn();
  b.probe(clock.now());
  b.success(clock.now());
  await turn();
  assert.deepEqual(b.state(clock.now()), { type: 'closed', consecutiveFailures: 0 });
  assert.equal(b.allowance(clock.now(), 0), Infinity);
  assert.deepEqual(changes.map((c) => c.type), ['open', 'half-open', 'closed']);
});

test('circuit breaker - a failed probe opens it again for another openMs', async () => {
  const clock = new ManualClock();
  const { b } = breaker(2, 1000);
  b.failure(clock.now());
  b.failure(clock.now());
  clock.advance(1500);
  await turn();
  b.allowance(clock.now(), 0);
  await turn();
  b.probe(clock.now());
  b.failure(clock.now());
  await turn();
  assert.deepEqual(b.state(clock.now()), { type: 'open', until: clock.now() + 1000 });
  clock.advance(1000);
  b.allowance(clock.now(), 0);
  await turn();
  assert.equal(b.allowance(clock.now(), 0), 1, 'half-open again: the next probe may go');
});

test('circuit breaker - a probe that never reports (nothing sent, or its process died) lapses after probeMs', async () => {
  const clock = new ManualClock();
  const board = new LocalBreakerBoard();
  const a = breaker(1, 1000, board);
  const other = breaker(1, 1000, board);
  a.b.failure(clock.now());
  await turn();
  await other.b.load();
  clock.advance(1000);
  a.b.allowance(clock.now(), 0);
  await turn();
  a.b.probe(clock.now());
  await other.b.load();
  assert.equal(other.b.allowance(clock.now(), 0), 0, 'the probe is held by the first');
  await turn();
  assert.equal(other.b.allowance(clock.now(), 0), 0, 'and no claim was granted to the second');
  clock.advance(500);
  other.b.allowance(clock.now(), 0);
  await turn();
  assert.equal(other.b.allowance(clock.now(), 0), 1, 'the lapsed probe is claimed by the second');
});
