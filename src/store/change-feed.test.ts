import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeFeed, type CatalogChange } from './change-feed.js';

const bus = (name: string): CatalogChange => ({ type: 'bus', op: 'put', bus: name });
const recorder = (): { log: string[]; error: (obj: object, msg: string) => void; info: () => void; warn: () => void } => {
  const log: string[] = [];
  return { log, error: (_obj, msg) => log.push(msg), info: () => undefined, warn: () => undefined };
};

test('change feed - every listener gets each change once, in announce order; unsubscribe stops it (idempotent)', () => {
  const feed = new ChangeFeed();
  const a: string[] = [];
  const b: string[] = [];
  const offA = feed.watch((c) => a.push((c as { bus: string }).bus));
  feed.watch((c) => b.push((c as { bus: string }).bus));
  feed.announce(bus('x'), bus('y'));
  feed.announce(bus('z'));
  offA();
  offA();
  feed.announce(bus('w'));
  assert.deepEqual(a, ['x', 'y', 'z']);
  assert.deepEqual(b, ['x', 'y', 'z', 'w']);
});

test('change feed - the same function subscribed twice is told twice, and one unsubscribe removes one subscription', () => {
  const feed = new ChangeFeed();
  let n = 0;
  const f = (): void => void n++;
  const off = feed.watch(f);
  feed.watch(f);
  feed.announce(bus('x'));
  off();
  feed.announce(bus('y'));
  assert.equal(n, 3);
});

test('change feed - a listener that throws is logged and neither stops the others nor reaches the announcer', () => {
  const log = recorder();
  const feed = new ChangeFeed(log);
  const got: string[] = [];
  feed.watch(() => {
    throw new Error('boom');
  });
  feed.watch((c) => got.push(c.type));
  assert.doesNotThrow(() => feed.announce(bus('x')));
  assert.deepEqual(got, ['bus']);
  assert.deepEqual(log.log, ['a catalog change listener failed']);
});

test('change feed - a change announced by a listener reaches every listener after the change it reacts to', () => {
  const feed = new ChangeFeed();
  const a: string[] = [];
  const b: string[] = [];
  feed.watch((c) => {
    const name = (c as { bus: string }).bus;
    a.push(name);
    if (name === 'x') feed.announce(bus('x2'));
  });
  feed.watch((c) => b.push((c as { bus: string }).bus));
  feed.announce(bus('x'), bus('y'));
  assert.deepEqual(a, ['x', 'y', 'x2']);
  assert.deepEqual(b, ['x', 'y', 'x2']);
});

test('change feed - a listener unsubscribed by an earlier one is not told of the current change', () => {
  const feed = new ChangeFeed();
  const got: string[] = [];
  let offB = (): void => undefined;
  feed.watch(() => offB());
  offB = feed.watch((c) => got.push(c.type));
  feed.announce(bus('x'));
  assert.deepEqual(got, []);
});
