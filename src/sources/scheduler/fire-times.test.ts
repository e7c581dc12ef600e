import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from './expression.js';
import { firesAfter, firesBetween, type FireWindow } from './fire-times.js';

const win = (text: string, tz = 'UTC', extra: Partial<FireWindow> = {}): FireWindow => {
  const p = parseExpression(text, tz);
  if (!p.ok) throw new Error(p.reason);
  return { expression: p.expression, anchor: 0, start: null, end: null, ...extra };
};
const iso = (ts: readonly number[]): string[] => ts.map((t) => new Date(t).toISOString());
const at = (s: string): number => Date.parse(s);

test('fire times - New York: 02:30 daily fires once on the spring-forward day (03:00 EDT) and once on the fall-back day', () => {
  const w = win('30 2 * * *', 'America/New_York');
  // 2026-03-08: 02:00 EST jumps to 03:00 EDT, 02:30 does not exist.
  assert.deepEqual(iso(firesAfter(w, at('2026-03-07T00:00:00Z'), 3)), ['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 02:30 happens once (EST).
  assert.deepEqual(iso(firesAfter(w, at('2026-10-31T00:00:00Z'), 3)), ['2026-10-31T06:30:00.000Z', '2026-11-01T07:30:00.000Z', '2026-11-02T07:30:00.000Z']);
  // 01:30 happens twice on 2026-11-01 (EDT, then EST): fired at the first only.
  assert.deepEqual(iso(firesAfter(win('30 1 * * *', 'America/New_York'), at('2026-10-31T12:00:00Z'), 2)), ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
});

test('fire times - Berlin: 02:30 daily fires once when 02:00 jumps to 03:00 and once when 02:00–03:00 repeats; lists of hours too', () => {
  const w = win('30 2 * * *', 'Europe/Berlin');
  // 2026-03-29: 02:00 CET → 03:00 CEST.
  assert.deepEqual(iso(firesAfter(w, at('2026-03-28T00:00:00Z'), 3)), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  // 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 CEST (00:30Z) and 02:30 CET (01:30Z) are both 02:30 local.
  assert.deepEqual(iso(firesAfter(w, at('2026-10-24T12:00:00Z'), 2)), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  assert.deepEqual(iso(firesAfter(win('30 2,14 * * *', 'Europe/Berlin'), at('2026-10-24T12:00:00Z'), 3)), ['2026-10-24T12:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T13:30:00.000Z']);
  // The same fire times counted back, across both changes.
  assert.deepEqual(iso(firesBetween(w, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:30:00Z'), 10).times), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  assert.deepEqual(iso(firesBetween(w, at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'), 10).times), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
});

test('fire times - an interval job runs in real time through a repeated hour and skips the missing one', () => {
  const w = win('0 */30 * * * *', 'America/New_York');
  assert.deepEqual(iso(firesBetween(w, at('2026-11-01T04:59:59Z'), at('2026-11-01T07:00:00Z'), 10).times),
    ['2026-11-01T05:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-01T07:00:00.000Z']);
  assert.deepEqual(iso(firesBetween(w, at('2026-03-08T06:59:59Z'), at('2026-03-08T07:30:00Z'), 10).times), ['2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z']);
});

test('fire times - a rate counts from its anchor, start inclusive, end exclusive', () => {
  const start = at('2030-01-01T00:00:00Z');
  const w = win('rate(10 minutes)', 'UTC', { anchor: start, start, end: start + 30 * 60_000 });
  assert.deepEqual(iso(firesAfter(w, 0, 10)), ['2030-01-01T00:00:00.000Z', '2030-01-01T00:10:00.000Z', '2030-01-01T00:20:00.000Z']);
  assert.deepEqual(iso(firesAfter(w, start, 10)), ['2030-01-01T00:10:00.000Z', '2030-01-01T00:20:00.000Z']);
  assert.deepEqual(iso(firesBetween(w, start, start + 86_400_000, 10).times), ['2030-01-01T00:10:00.000Z', '2030-01-01T00:20:00.000Z']);
  const cw = win('0 * * * *', 'UTC', { start: at('2030-01-01T02:00:00Z'), end: at('2030-01-01T04:00:00Z') });
  assert.deepEqual(iso(firesAfter(cw, 0, 5)), ['2030-01-01T02:00:00.000Z', '2030-01-01T03:00:00.000Z']);
  assert.deepEqual(iso(firesBetween(cw, 0, at('2031-01-01T00:00:00Z'), 5).times), ['2030-01-01T02:00:00.000Z', '2030-01-01T03:00:00.000Z']);
});

test('fire times - at() fires once; a fire exactly at the upper bound counts, one at the lower bound does not', () => {
  const t = at('2030-05-05T05:05:05Z');
  const w = win('at(2030-05-05T05:05:05Z)');
  assert.deepEqual(firesAfter(w, t - 1, 5), [t]);
  assert.deepEqual(firesAfter(w, t, 5), []);
  assert.deepEqual(firesBetween(w, t - 1, t, 5).times, [t]);
  assert.deepEqual(firesBetween(w, t, t + 1000, 5).times, []);
  const c = win('5 5 5 5 5 *');
  assert.deepEqual(firesBetween(c, t - 1, t, 5).times, [t]);
  assert.deepEqual(firesBetween(c, t, t + 1000, 5).times, []);
});

test('fire times - a year of every-second fires is counted back to the newest `max`, in bounded work', () => {
  const w = win('* * * * * *');
  const now = at('2031-01-01T00:00:00Z');
  const r = firesBetween(w, at('2030-01-01T00:00:00Z'), now, 1000);
  assert.equal(r.times.length, 1000);
  assert.equal(r.more, true);
  assert.equal(r.times[999], now);
  const rate = firesBetween(win('rate(1 seconds)'), 0, now, 1000);
  assert.deepEqual([rate.times.length, rate.more, rate.times[999]], [1000, true, now]);
  // A cron no date matches yields nothing (croner's search is bounded).
  assert.deepEqual(firesAfter(win('0 0 31 2 *'), 0, 5), []);
  assert.deepEqual(firesBetween(win('0 0 31 2 *'), 0, now, 5).times, []);
});
