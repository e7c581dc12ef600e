import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SendOutcome } from '../target.js';
import {
  DEFAULT_NON_RETRYABLE, DEFAULT_POLICY, MAX_AGE_MS, MAX_ATTEMPTS, RETRY_PRESETS, decideRetry, retryDelay, shouldRetry,
  type RetryPolicy, type RetrySchedule,
} from './retry-policy.js';
import { resolveRetry } from './target-spec.js';

type Failed = Extract<SendOutcome, { type: 'failed' }>;
const http = (status: number, extra: Partial<Failed> = {}): Failed => ({ type: 'failed', durationMs: 1, errorClass: 'http', status, message: `HTTP ${status}`, ...extra });
const net: Failed = { type: 'failed', durationMs: 1, errorClass: 'network', message: 'ECONNREFUSED' };
const T0 = Date.UTC(2026, 0, 1);
const fixed = (r: number) => (): number => r;

test('retry policy - the default is exponential backoff with full jitter, 185 retries, 24 h', () => {
  assert.equal(DEFAULT_POLICY.maxAttempts, 185);
  assert.equal(MAX_ATTEMPTS, 185);
  assert.equal(DEFAULT_POLICY.maxAgeMs, 24 * 3600_000);
  assert.equal(MAX_AGE_MS, 24 * 3600_000);
  assert.deepEqual(DEFAULT_POLICY.schedule, { type: 'exponential', baseMs: 1000, capMs: 300_000, jitter: 'full' });
  assert.deepEqual(resolveRetry(undefined), DEFAULT_POLICY);
});

test('retry policy - full jitter draws in [0, min(cap, base·2^(n-1))) and never reaches the ceiling', () => {
  const s: RetrySchedule = { type: 'exponential', baseMs: 100, capMs: 1000, jitter: 'full' };
  const ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
  ceilings.forEach((ceiling, i) => {
    const n = i + 1;
    assert.equal(retryDelay(s, n, fixed(0)), 0, `retry ${n} lower bound`);
    assert.equal(retryDelay(s, n, fixed(0.5)), ceiling / 2, `retry ${n} middle`);
    assert.equal(retryDelay(s, n, fixed(1 - Number.EPSILON)), ceiling - 1, `retry ${n} upper bound`);
  });
  // Far-out retry numbers stay at the cap (no overflow to Infinity/NaN).
  assert.equal(retryDelay(s, 185, fixed(0.999)), 999);
  assert.equal(retryDelay({ ...s, jitter: 'none' }, 10_000, fixed(0)), 1000);
});

test('retry policy - without jitter the delay doubles from base up to the cap', () => {
  const s: RetrySchedule = { type: 'exponential', baseMs: 1000, capMs: 512_000, jitter: 'none' };
  const got = Array.from({ length: 12 }, (_, i) => retryDelay(s, i + 1, fixed(0.3)));
  assert.deepEqual(got, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512, 512].map((x) => x * 1000));
});

test('retry policy - preset "backoff" makes 3 retries 10-20 s apart', () => {
  const p = resolveRetry('backoff');
  assert.equal(p, RETRY_PRESETS.backoff);
  assert.equal(p.maxAttempts, 3);
  assert.equal(retryDelay(p.schedule, 1, fixed(0)), 10_000);
  assert.equal(retryDelay(p.schedule, 2, fixed(1 - Number.EPSILON)), 20_000);
  assert.equal(retryDelay(p.schedule, 3, fixed(0.5)), 15_000);
  let now = T0;
  const decisions: string[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    const d = decideRetry(p, http(503), attempt, T0, now, fixed(0.5));
    decisions.push(d.type);
    if (d.type === 'retry') now = d.at;
  }
  assert.deepEqual(decisions, ['retry', 'retry', 'retry', 'dead']);
});

test('retry policy - preset "exponential-decay" makes 176 retries, 1 s doubling to 512 s, all within one day', () => {
  const p = resolveRetry('exponential-decay');
  assert.equal(p.maxAttempts, 176);
  assert.equal(p.maxAgeMs, 24 * 3600_000);
  let now = T0;
  let retries = 0;
  let maxGap = 0;
  for (let attempt = 1; ; attempt++) {
    const d = decideRetry(p, net, attempt, T0, now, fixed(0.9));
    if (d.type === 'dead') {
      assert.match(d.reason, /gave up after 177 attempt\(s\)/);
      break;
    }
    maxGap = Math.max(maxGap, d.at - now);
    now = d.at;
    retries++;
  }
  assert.equal(retries, 176);
  assert.equal(maxGap, 512_000);
  assert.ok(now - T0 <= 24 * 3600_000, `the last retry is ${now - T0} ms after the first attempt`);
});

test('retry policy - maxAttempts counts retries: 0 means one attempt only, 185 means 186 attempts', () => {
  const zero: RetryPolicy = { ...DEFAULT_POLICY, maxAttempts: 0 };
  assert.deepEqual(decideRetry(zero, http(500), 1, T0, T0, fixed(0)).type, 'dead');
  const max: RetryPolicy = { ...DEFAULT_POLICY, schedule: { type: 'exponential', baseMs: 1, capMs: 1, jitter: 'none' } };
  assert.equal(decideRetry(max, http(500), 185, T0, T0 + 185, fixed(0)).type, 'retry');
  const last = decideRetry(max, http(500), 186, T0, T0 + 186, fixed(0));
  assert.equal(last.type, 'dead');
  assert.match(last.type === 'dead' ? last.reason : '', /gave up after 186 attempt\(s\): http 500: HTTP 500/);
});

test('retry policy - a retry that would fall past maxAge dead-letters instead', () => {
  const p: RetryPolicy = { ...DEFAULT_POLICY, maxAgeMs: 60_000, schedule: { type: 'exponential', baseMs: 10_000, capMs: 10_000, jitter: 'none' } };
  assert.deepEqual(decideRetry(p, net, 3, T0, T0 + 50_000, fixed(0)), { type: 'retry', at: T0 + 60_000 });
  const d = decideRetry(p, net, 4, T0, T0 + 50_001, fixed(0));
  assert.equal(d.type, 'dead');
  assert.match(d.type === 'dead' ? d.reason : '', /retry window of 60000 ms exceeded after 4 attempt/);
});

test('retry policy - Retry-After is honoured when longer than the backoff, up to its cap', () => {
  const p: RetryPolicy = { ...DEFAULT_POLICY, retryAfterCapMs: 120_000 };
  // backoff draw 0 → Retry-After decides
  assert.deepEqual(decideRetry(p, http(429, { retryAfterMs: 30_000 }), 1, T0, T0, fixed(0)), { type: 'retry', at: T0 + 30_000 });
  // a Retry-After beyond the cap is cut to the cap
  assert.deepEqual(decideRetry(p, http(503, { retryAfterMs: 3_600_000 }), 1, T0, T0, fixed(0)), { type: 'retry', at: T0 + 120_000 });
  // a backoff longer than Retry-After wins
  const slow: RetryPolicy = { ...p, schedule: { type: 'exponential', baseMs: 60_000, capMs: 60_000, jitter: 'none' } };
  assert.deepEqual(decideRetry(slow, http(429, { retryAfterMs: 5_000 }), 1, T0, T0, fixed(0)), { type: 'retry', at: T0 + 60_000 });
  // cap 0 ignores Retry-After
  assert.deepEqual(decideRetry({ ...p, retryAfterCapMs: 0 }, http(429, { retryAfterMs: 5_000 }), 1, T0, T0, fixed(0)), { type: 'retry', at: T0 });
});

test('retry policy - 408, 429, 5xx, network, timeout and io errors are retried; 400/401/403/404/410/413/422 are not', () => {
  for (const s of [408, 429, 500, 502, 503, 504, 599]) assert.equal(shouldRetry(DEFAULT_POLICY, http(s)), true, `HTTP ${s}`);
  for (const s of [400, 401, 403, 404, 410, 413, 422]) assert.equal(shouldRetry(DEFAULT_POLICY, http(s)), false, `HTTP ${s}`);
  assert.deepEqual([...DEFAULT_NON_RETRYABLE], [400, 401, 403, 404, 410, 413, 422]);
  for (const errorClass of ['network', 'timeout', 'io'] as const) assert.equal(shouldRetry(DEFAULT_POLICY, { ...net, errorClass }), true, errorClass);
  for (const errorClass of ['blocked', 'rejected', 'config'] as const) assert.equal(shouldRetry(DEFAULT_POLICY, { ...net, errorClass }), false, errorClass);
  const d = decideRetry(DEFAULT_POLICY, http(404), 1, T0, T0, fixed(0));
  assert.deepEqual(d, { type: 'dead', reason: 'not retryable: http 404: HTTP 404' });
});

test('retry policy - the non-retryable statuses are configurable', () => {
  const p = resolveRetry({ nonRetryableStatuses: [409, 503] });
  assert.equal(shouldRetry(p, http(503)), false);
  assert.equal(shouldRetry(p, http(409)), false);
  assert.equal(shouldRetry(p, http(404)), true, 'the list replaces the default');
  assert.equal(shouldRetry(resolveRetry({ nonRetryableStatuses: [] }), http(400)), true);
});

test('retry policy - an object overrides a preset field by field', () => {
  const p = resolveRetry({ preset: 'exponential-decay', maxAttempts: 10, maxAgeMs: 3_600_000 });
  assert.equal(p.maxAttempts, 10);
  assert.equal(p.maxAgeMs, 3_600_000);
  assert.deepEqual(p.schedule, RETRY_PRESETS['exponential-decay'].schedule);
  const q = resolveRetry({ baseMs: 200, capMs: 5_000 });
  assert.deepEqual(q.schedule, { type: 'exponential', baseMs: 200, capMs: 5_000, jitter: 'full' });
  assert.equal(q.maxAttempts, 185);
  // tuning the schedule of the uniform preset turns it exponential from its bounds
  const r = resolveRetry({ preset: 'backoff', jitter: 'none' });
  assert.deepEqual(r.schedule, { type: 'exponential', baseMs: 10_000, capMs: 20_000, jitter: 'none' });
  assert.equal(r.maxAttempts, 3);
});
