import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEvent } from '../events/index.js';
import { checkDelayMs, checkDeliverAt, storedDeliverAt, withDeliverAt } from './delay.js';

const NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;

test('delay - deliverat within the limit is due at its time; in the past it is accepted as is', () => {
  assert.deepEqual(checkDeliverAt('2026-06-02T12:00:00Z', NOW, DAY), { ok: true, at: NOW + DAY });
  assert.deepEqual(checkDeliverAt('2026-06-01T14:00:00+02:00', NOW, DAY), { ok: true, at: NOW });
  assert.deepEqual(checkDeliverAt('2020-01-01T00:00:00Z', NOW, DAY), { ok: true, at: Date.UTC(2020, 0, 1) });
});

test('delay - hostile deliverat values are refused with a reason', () => {
  for (const v of ['2026-06-02T12:00:01Z', '+275760-09-13T00:00:00Z', 'tomorrow', '2026-06-01', '2026-02-30T00:00:00Z', '2026-06-01T12:00:00', 42, true, '']) {
    const r = checkDeliverAt(v, NOW, DAY);
    assert.equal(r.ok, false, String(v));
  }
  assert.equal(checkDeliverAt('2026-06-01T12:00:00Z', NOW, 0).ok, true, 'now is not a delay');
  assert.equal(checkDeliverAt('2026-06-01T12:00:01Z', NOW, 0).ok, false, 'maxDelayMs 0 refuses any delay');
});

test('delay - delayMs is a non-negative integer up to the limit', () => {
  assert.deepEqual(checkDelayMs(0, DAY), { ok: true, ms: 0 });
  assert.deepEqual(checkDelayMs(DAY, DAY), { ok: true, ms: DAY });
  for (const v of [-1, 1.5, DAY + 1, '10', null, Number.NaN, Infinity]) assert.equal(checkDelayMs(v, DAY).ok, false, String(v));
});

test('delay - withDeliverAt sets the attribute; storedDeliverAt reads it back only from the top level', () => {
  const ev = withDeliverAt(createEvent({ id: '1', source: '/s', type: 't' }), NOW);
  assert.equal(ev.extensions.deliverat, '2026-06-01T12:00:00.000Z');
  assert.equal(storedDeliverAt(JSON.stringify({ id: '1', deliverat: '2026-06-01T12:00:00.000Z' })), NOW);
  assert.equal(storedDeliverAt(JSON.stringify({ id: '1', data: { deliverat: '2026-06-01T12:00:00Z' } })), undefined);
  assert.equal(storedDeliverAt('{"id":"1"}'), undefined);
});
