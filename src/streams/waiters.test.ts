import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Waiters } from './waiters.js';

test('waiters - a wake-up ends the waits of its key only; each ends once, its timer cleared', async () => {
  const w = new Waiters(10);
  const a = w.wait('a', 60_000);
  const b = w.wait('b', 60_000);
  assert.equal(w.size, 2);
  w.wake('a');
  assert.equal(await a, true);
  assert.equal(w.size, 1);
  w.wake('b');
  w.wake('b');
  assert.equal(await b, true);
  assert.equal(w.size, 0);
});

test('waiters - an aborted signal ends the wait at once; an aborted or timeless wait does not start', async () => {
  const w = new Waiters(10);
  const ac = new AbortController();
  const p = w.wait('a', 60_000, ac.signal);
  ac.abort();
  assert.equal(await p, true);
  assert.equal(w.size, 0);
  assert.equal(await w.wait('a', 60_000, ac.signal), false);
  assert.equal(await w.wait('a', 0), false);
  assert.equal(await w.wait('a', 5), true, 'ends at its time');
  assert.equal(w.size, 0);
});

test('waiters - beyond maxWaiters a wait is refused (the caller answers); after close every wait is refused', async () => {
  const w = new Waiters(2);
  const held = [w.wait('a', 60_000), w.wait('b', 60_000)];
  assert.equal(await w.wait('c', 60_000), false);
  w.close();
  assert.deepEqual(await Promise.all(held), [true, true]);
  assert.equal(await w.wait('a', 60_000), false);
  assert.equal(w.size, 0);
});
