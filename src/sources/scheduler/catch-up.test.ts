import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from './expression.js';
import { decideFires, nextDue, type FireState } from './catch-up.js';
import { fireOffset } from './fire-event.js';
import type { FireWindow } from './fire-times.js';

const MIN = 60_000;
const T0 = Date.UTC(2030, 0, 1);
const hourly = ((): FireWindow => {
  const p = parseExpression('0 * * * *', 'UTC');
  if (!p.ok) throw new Error(p.reason);
  return { expression: p.expression, anchor: T0, start: null, end: null };
})();
const state = (extra: Partial<FireState> = {}): FireState => ({ name: 's', cursor: T0, catchUp: 'none', maxCatchUp: 3, flexibleWindowMs: 0, ...extra });
const H = 3_600_000;

test('catch-up - an on-time fire is put whatever the policy; nothing is due before it', () => {
  for (const catchUp of ['none', 'latest', 'all'] as const) {
    assert.deepEqual(decideFires(state({ catchUp }), hourly, T0 + H + 5_000, MIN), { put: [T0 + H], skipped: 0, moreSkipped: false, cursor: T0 + H });
    assert.deepEqual(decideFires(state({ catchUp }), hourly, T0 + H - 1, MIN).put, []);
  }
});

test('catch-up - after ten missed hours: none skips them, latest puts the newest, all the newest maxCatchUp', () => {
  const now = T0 + 10 * H + 30 * MIN;
  assert.deepEqual(decideFires(state(), hourly, now, MIN), { put: [], skipped: 10, moreSkipped: false, cursor: T0 + 10 * H });
  assert.deepEqual(decideFires(state({ catchUp: 'latest' }), hourly, now, MIN), { put: [T0 + 10 * H], skipped: 9, moreSkipped: false, cursor: T0 + 10 * H });
  assert.deepEqual(decideFires(state({ catchUp: 'all' }), hourly, now, MIN), { put: [T0 + 8 * H, T0 + 9 * H, T0 + 10 * H], skipped: 7, moreSkipped: false, cursor: T0 + 10 * H });
  // With a fire on time, latest adds no missed one.
  assert.deepEqual(decideFires(state({ catchUp: 'latest' }), hourly, T0 + 10 * H + 10_000, MIN).put, [T0 + 10 * H]);
});

test('catch-up - a storm of missed fires is bounded by maxCatchUp and by the pass limit', () => {
  const p = parseExpression('* * * * * *', 'UTC');
  if (!p.ok) throw new Error(p.reason);
  const everySecond: FireWindow = { expression: p.expression, anchor: T0, start: null, end: null };
  const d = decideFires(state({ catchUp: 'all', maxCatchUp: 1000 }), everySecond, T0 + 30 * 24 * H, 0);
  assert.equal(d.put.length, 1000);
  assert.equal(d.moreSkipped, true);
  assert.equal(d.cursor, T0 + 30 * 24 * H);
});

test('catch-up - a flexible window delays each fire by its own offset, and later fires wait for earlier ones', () => {
  const s = state({ flexibleWindowMs: 15 * MIN });
  const off = fireOffset('s', T0 + H, 15 * MIN);
  assert.ok(off >= 0 && off < 15 * MIN);
  assert.equal(nextDue(s, hourly), T0 + H + off);
  assert.deepEqual(decideFires(s, hourly, T0 + H + off - 1, MIN).put, []);
  assert.deepEqual(decideFires(s, hourly, T0 + H + off, MIN).put, [T0 + H]);
  // The same fire gets the same offset on every node; another fire another one.
  assert.equal(fireOffset('s', T0 + H, 15 * MIN), off);
  assert.notEqual(new Set([1, 2, 3, 4, 5].map((k) => fireOffset('s', T0 + k * H, 15 * MIN))).size, 1);
});
