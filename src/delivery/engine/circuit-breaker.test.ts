import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { CircuitBreaker } from './circuit-breaker.js';

test('circuit breaker - closed counts consecutive failures; a success resets the count', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(3, 1000);
  b.failure(clock.now());
  b.failure(clock.now());
  assert.deepEqual(b.state(clock.now()), { type: 'closed', consecutiveFailures: 2 });
  assert.equal(b.allowance(clock.now(), 7), Infinity);
  b.success();
  b.failure(clock.now());
  b.failure(clock.now());
  assert.deepEqual(b.state(clock.now()), { type: 'closed', consecutiveFailures: 2 }, 'not 4: the success broke the run');
});

test('circuit breaker - opens after N consecutive failures and lets nothing through while open', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(3, 1000);
  for (let i = 0; i < 3; i++) b.failure(clock.now());
  const t = clock.now();
  assert.deepEqual(b.state(t), { type: 'open', until: t + 1000 });
  assert.equal(b.allowance(t, 0), 0);
  assert.equal(b.openUntil(t), t + 1000);
  clock.advance(999);
  assert.equal(b.allowance(clock.now(), 0), 0);
});

test('circuit breaker - half-open after openMs lets exactly one probe through', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(1, 1000);
  b.failure(clock.now());
  clock.advance(1000);
  assert.deepEqual(b.state(clock.now()), { type: 'half-open' });
  assert.equal(b.openUntil(clock.now()), undefined);
  assert.equal(b.allowance(clock.now(), 0), 1);
  assert.equal(b.allowance(clock.now(), 1), 0, 'not while an older send is still in flight');
  b.probe();
  assert.equal(b.allowance(clock.now(), 0), 0, 'one probe at a time');
});

test('circuit breaker - a successful probe closes it', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(2, 1000);
  b.failure(clock.now());
  b.failure(clock.now());
  clock.advance(1000);
  b.probe();
  b.success();
  assert.deepEqual(b.state(clock.now()), { type: 'closed', consecutiveFailures: 0 });
  assert.equal(b.allowance(clock.now(), 0), Infinity);
});

test('circuit breaker - a failed probe opens it again for another openMs', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(2, 1000);
  b.failure(clock.now());
  b.failure(clock.now());
  clock.advance(1500);
  b.probe();
  b.failure(clock.now());
  assert.deepEqual(b.state(clock.now()), { type: 'open', until: clock.now() + 1000 });
  clock.advance(1000);
  assert.equal(b.allowance(clock.now(), 0), 1, 'half-open again: the next probe may go');
});
