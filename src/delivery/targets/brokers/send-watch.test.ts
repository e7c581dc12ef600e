import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { SendWatch, type Expiry } from './send-watch.js';

test('send watch - a send past its deadline expires once, as a timeout; one that ended first does not', async () => {
  const watch = new SendWatch();
  const signal = new AbortController().signal;
  const seen: string[] = [];
  const now = performance.now();
  const a = watch.add(now + 5, signal, (why) => seen.push(`a:${why}`));
  const b = watch.add(now + 10, signal, (why) => seen.push(`b:${why}`));
  const c = watch.add(now + 60_000, signal, (why) => seen.push(`c:${why}`));
  assert.equal(b.end(), true);
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (seen.length > 0) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
  assert.deepEqual(seen, ['a:timeout']);
  assert.equal(a.end(), false, 'an expired send has no outcome left to give');
  assert.equal(c.open, true, 'a later deadline is still watched');
  assert.equal(c.end(), true);
});

test('send watch - an abort expires the open sends of that signal only', () => {
  const watch = new SendWatch();
  const one = new AbortController();
  const other = new AbortController();
  const seen: [string, Expiry][] = [];
  const at = performance.now() + 60_000;
  watch.add(at, one.signal, (why) => seen.push(['x', why]));
  const y = watch.add(at, other.signal, (why) => seen.push(['y', why]));
  const z = watch.add(at, one.signal, (why) => seen.push(['z', why]));
  assert.equal(z.end(), true);
  one.abort();
  assert.deepEqual(seen, [['x', 'aborted']]);
  assert.equal(y.open, true);
  other.abort();
  assert.deepEqual(seen, [['x', 'aborted'], ['y', 'aborted']]);
  const s = new AbortController();
  for (let i = 0; i < 50; i++) watch.add(at, s.signal, () => undefined);
  assert.equal(getEventListeners(s.signal, 'abort').length, 1, 'one listener per signal, not one per send');
});
