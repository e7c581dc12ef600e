import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from './keyed-lock.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('keyed lock - work on one key runs one at a time in call order; other keys do not wait; a failure does not stop the next', async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const job = (key: string, name: string, fail = false) => lock.run(key, async () => {
    log.push(`${name} start`);
    await tick();
    log.push(`${name} end`);
    if (fail) throw new Error(name);
    return name;
  });
  const results = await Promise.allSettled([job('a', 'a1', true), job('a', 'a2'), job('b', 'b1')]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled', 'fulfilled']);
  const at = (e: string): number => log.indexOf(e);
  assert.ok(at('a2 start') > at('a1 end'), `a2 waits for a1: ${log.join(', ')}`);
  assert.ok(at('b1 start') < at('a1 end'), `b1 does not wait for a1: ${log.join(', ')}`);
});
