import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { TokenBucket } from './token-bucket.js';

test('token bucket - starts full at burst and refills at perSecond, never above burst', () => {
  const clock = new ManualClock();
  const b = new TokenBucket(10, 5, clock.now());
  assert.equal(b.available(clock.now()), 5);
  b.take(5, clock.now());
  assert.equal(b.available(clock.now()), 0);
  clock.advance(99);
  assert.equal(b.available(clock.now()), 0, '0.99 token is not a whole token');
  clock.advance(1);
  assert.equal(b.available(clock.now()), 1);
  clock.advance(10_000);
  assert.equal(b.available(clock.now()), 5, 'capped at burst');
});

test('token bucket - waitMs tells how long until the next whole token', () => {
  const clock = new ManualClock();
  const b = new TokenBucket(4, 1, clock.now());
  assert.equal(b.waitMs(clock.now()), 0);
  b.take(1, clock.now());
  assert.equal(b.waitMs(clock.now()), 250);
  clock.advance(100);
  assert.equal(b.waitMs(clock.now()), 150);
  clock.advance(150);
  assert.equal(b.waitMs(clock.now()), 0);
  assert.equal(b.available(clock.now()), 1);
});

test('token bucket - over a long run it admits perSecond × seconds + burst', () => {
  const clock = new ManualClock();
  const b = new TokenBucket(50, 10, clock.now());
  let sent = 0;
  for (let ms = 0; ms < 10_000; ms += 7) {
    clock.set(Date.UTC(2026, 0, 1) + ms);
    const n = b.available(clock.now());
    b.take(n, clock.now());
    sent += n;
  }
  assert.ok(sent >= 50 * 9.99 + 10 - 1 && sent <= 50 * 10 + 10, `sent ${sent}`);
});

test('token bucket - a fractional rate below one per second works', () => {
  const clock = new ManualClock();
  const b = new TokenBucket(0.5, 1, clock.now());
  b.take(1, clock.now());
  assert.equal(b.waitMs(clock.now()), 2000);
  clock.advance(1999);
  assert.equal(b.available(clock.now()), 0);
  clock.advance(1);
  assert.equal(b.available(clock.now()), 1);
});

test('token bucket - a clock that steps back does not mint tokens', () => {
  const clock = new ManualClock();
  const b = new TokenBucket(10, 2, clock.now());
  b.take(2, clock.now());
  clock.advance(-5_000);
  assert.equal(b.available(clock.now()), 0);
  clock.advance(5_100);
  assert.equal(b.available(clock.now()), 1);
});
