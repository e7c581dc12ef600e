import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommitter } from './group-commit.js';

test('group commit - submissions in one turn share one flush, each gets its own results', async () => {
  const flushes: number[][] = [];
  const gc = new GroupCommitter<number, number>((items) => {
    flushes.push(items);
    return items.map((x) => x * 10);
  }, 1000);
  const results = await Promise.all([gc.submit([1, 2]), gc.submit([3]), gc.submit([4, 5, 6])]);
  assert.deepEqual(flushes, [[1, 2, 3, 4, 5, 6]]);
  assert.deepEqual(results, [[10, 20], [30], [40, 50, 60]]);
});

test('group commit - a group never exceeds maxItems (a single larger submission goes alone)', async () => {
  const sizes: number[] = [];
  const gc = new GroupCommitter<number, number>((items) => {
    sizes.push(items.length);
    return items;
  }, 3);
  await Promise.all([gc.submit([1, 2]), gc.submit([3, 4]), gc.submit([5, 6, 7, 8]), gc.submit([9])]);
  assert.deepEqual(sizes, [2, 2, 4, 1]);
});

test('group commit - a failed flush rejects every caller of that group and no other', async () => {
  let n = 0;
  const gc = new GroupCommitter<number, number>((items) => {
    n++;
    if (n === 1) throw new Error('disk full');
    return items;
  }, 2);
  const r = await Promise.allSettled([gc.submit([1]), gc.submit([2]), gc.submit([3])]);
  assert.deepEqual(r.map((x) => x.status), ['rejected', 'rejected', 'fulfilled']);
  await gc.drain();
});
