import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordBatcher } from './record-batcher.js';

test('record batcher - what is submitted while a flush runs goes into the next one, in submission order, one flush at a time', async () => {
  const flushes: number[][] = [];
  let running = 0;
  let release: (() => void) | undefined;
  const b = new RecordBatcher<number>(async (items) => {
    running++;
    assert.equal(running, 1, 'one flush at a time');
    flushes.push([...items]);
    if (flushes.length === 1) await new Promise<void>((r) => (release = r));
    running--;
  }, 100);
  const first = b.submit([1]);
  const rest = [b.submit([2, 3]), b.submit([4]), b.submit([])];
  release!();
  await Promise.all([first, ...rest]);
  assert.deepEqual(flushes, [[1], [2, 3, 4]]);
});

test('record batcher - a failed flush rejects every submission in it, and the next flush still runs', async () => {
  let fail = true;
  const b = new RecordBatcher<string>(async () => {
    if (fail) {
      fail = false;
      throw new Error('down');
    }
  }, 10);
  await assert.rejects(b.submit(['a']), /down/);
  await b.submit(['b']);
});

test('record batcher - a flush holds at most maxItems unless one submission alone is larger', async () => {
  const sizes: number[] = [];
  let gate: Promise<void> | undefined = new Promise<void>((r) => setTimeout(r, 10));
  const b = new RecordBatcher<number>(async (items) => {
    sizes.push(items.length);
    const g = gate;
    gate = undefined;
    await g;
  }, 3);
  await Promise.all([b.submit([0]), b.submit([1, 2]), b.submit([3, 4]), b.submit([5, 6, 7, 8])]);
  assert.deepEqual(sizes, [1, 2, 2, 4]);
});
