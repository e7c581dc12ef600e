import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArchiveRecord } from '../store/index.js';
import { ArchiveRouter } from './archive-router.js';

const archive = (bus: string, name: string, pattern: unknown = null): ArchiveRecord =>
  ({ bus, name, description: null, pattern, retentionMs: null, createdAt: 0, updatedAt: 0 });
const ev = (type: string): string => JSON.stringify({ specversion: '1.0', id: '1', source: 's', type });

test('archive router - archives without a pattern take every event; patterned ones only matches; other buses none', () => {
  const r = new ArchiveRouter();
  assert.equal(r.route('b', ev('x')), undefined, 'no archive');
  r.set(archive('b', 'all'));
  r.set(archive('b', 'orders', { type: ['order'] }));
  r.set(archive('c', 'only-c'));
  assert.deepEqual(r.route('b', ev('x')), ['all']);
  assert.deepEqual([...r.route('b', ev('order'))!].sort(), ['all', 'orders']);
  assert.deepEqual(r.route('c', ev('order')), ['only-c']);
  assert.equal(r.route('d', ev('order')), undefined);
});

test('archive router - replacing, removing and dropping a bus', () => {
  const r = new ArchiveRouter();
  r.set(archive('b', 'a', { type: ['x'] }));
  assert.equal(r.route('b', ev('y')), undefined);
  r.set(archive('b', 'a', { type: ['y'] }));
  assert.deepEqual(r.route('b', ev('y')), ['a']);
  assert.equal(r.route('b', ev('x')), undefined, 'the old pattern is gone');
  r.set(archive('b', 'a'));
  assert.deepEqual(r.route('b', ev('z')), ['a'], 'now without a pattern');
  r.remove('b', 'a');
  assert.equal(r.route('b', ev('z')), undefined);
  r.set(archive('b', 'a'));
  r.dropBus('b');
  assert.equal(r.route('b', ev('z')), undefined);
  assert.throws(() => ArchiveRouter.validate({ type: 'not-an-array' }));
});
