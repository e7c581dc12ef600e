import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSampler } from './sampler.js';
import { parseTraceparent } from './traceparent.js';

const sampled = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')!;
const unsampled = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')!;

test('sampler - parent-based samplers follow the parent flag and use their root sampler for new traces', () => {
  for (const [name, root] of [['parentbased_always_on', true], ['parentbased_always_off', false]] as const) {
    const s = createSampler(name, 1);
    assert.equal(s.sample(sampled), true, name);
    assert.equal(s.sample(unsampled), false, name);
    assert.equal(s.sample(undefined), root, name);
  }
});

test('sampler - always_on and always_off ignore the parent', () => {
  assert.deepEqual([sampled, unsampled, undefined].map((p) => createSampler('always_on', 0).sample(p)), [true, true, true]);
  assert.deepEqual([sampled, unsampled, undefined].map((p) => createSampler('always_off', 1).sample(p)), [false, false, false]);
});

test('sampler - traceidratio decides a known trace by its id, the same way every time, and a new one by a draw', () => {
  const low = parseTraceparent('00-ffffffffffffffffff00000000000001-00f067aa0ba902b7-00')!;
  const high = parseTraceparent('00-000000000000000000fffffffffffffe-00f067aa0ba902b7-01')!;
  const s = createSampler('traceidratio', 0.5, () => 0.7);
  assert.equal(s.sample(low), true);
  assert.equal(s.sample(high), false);
  assert.equal(s.sample(undefined), false, 'a draw of 0.7 is above 0.5');
  assert.equal(createSampler('traceidratio', 0.5, () => 0.2).sample(undefined), true);
  assert.equal(createSampler('parentbased_traceidratio', 0.5, () => 0.9).sample(high), true, 'the parent decides');
  assert.equal(createSampler('traceidratio', 0, () => 0).sample(low), false);
});
