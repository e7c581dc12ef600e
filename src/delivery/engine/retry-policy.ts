import type { RetryPresetName } from '../../core/index.js';
import type { SendOutcome } from '../target.js';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/**
 * How long to wait before retry n (n = 1 for the first retry), as data:
 * - `exponential`: min(cap, base·2^(n-1)), with full jitter a uniform draw in [0, that);
 * - `uniform`: a uniform draw in [min, max].
 */
export type RetrySchedule =
  | { readonly type: 'exponential'; readonly baseMs: number; readonly capMs: number; readonly jitter: 'full' | 'none' }
  | { readonly type: 'uniform'; readonly minMs: number; readonly maxMs: number };

/**
 * A retry policy = schedule + `shouldRetry` predicate (which failures are worth retrying) +
 * limits. `maxAttempts` counts retries after the first attempt (EventBridge's
 * MaximumRetryAttempts, 0–185); `maxAgeMs` bounds the time since the delivery was enqueued (or
 * redriven).
 */
export interface RetryPolicy {
  readonly schedule: RetrySchedule;
  readonly maxAttempts: number;
  readonly maxAgeMs: number;
  /** A receiver's Retry-After is honoured up to this long. */
  readonly retryAfterCapMs: number;
  /** HTTP statuses never retried; every other failed status is. */
  readonly nonRetryableStatuses: readonly number[];
}

export const MAX_ATTEMPTS = 185;
export const MIN_AGE_MS = 60 * SECOND;
export const MAX_AGE_MS = 24 * HOUR;
export const DEFAULT_NON_RETRYABLE: readonly number[] = Object.freeze([400, 401, 403, 404, 410, 413, 422]);

/** The default: exponential backoff with full jitter (1 s base, 5 min cap), 185 retries, 24 h. */
export const DEFAULT_POLICY: RetryPolicy = Object.freeze<RetryPolicy>({
  schedule: { type: 'exponential', baseMs: SECOND, capMs: 300 * SECOND, jitter: 'full' },
  maxAttempts: MAX_ATTEMPTS,
  maxAgeMs: MAX_AGE_MS,
  retryAfterCapMs: 300 * SECOND,
  nonRetryableStatuses: DEFAULT_NON_RETRYABLE,
});

/** Named presets (RocketMQ EventBridge): `backoff` 3 retries 10–20 s apart; `exponential-decay` 176 retries, 1 s doubling to 512 s, 1 day. */
export const RETRY_PRESETS: Readonly<Record<RetryPresetName, RetryPolicy>> = Object.freeze<Record<RetryPresetName, RetryPolicy>>({
  backoff: { ...DEFAULT_POLICY, schedule: { type: 'uniform', minMs: 10 * SECOND, maxMs: 20 * SECOND }, maxAttempts: 3 },
  'exponential-decay': { ...DEFAULT_POLICY, schedule: { type: 'exponential', baseMs: SECOND, capMs: 512 * SECOND, jitter: 'none' }, maxAttempts: 176 },
});

/** What to do after a failed attempt. */
export type RetryDecision =
  | { readonly type: 'retry'; readonly at: number }
  | { readonly type: 'dead'; readonly reason: string };

type Failed = Extract<SendOutcome, { type: 'failed' }>;

/** Whether a failure is worth retrying: network, timeout and io errors are; HTTP statuses unless listed. */
export function shouldRetry(policy: RetryPolicy, f: Failed): boolean {
  switch (f.errorClass) {
    case 'network':
    case 'timeout':
    case 'io':
      return true;
    case 'http':
      return f.status === undefined || !policy.nonRetryableStatuses.includes(f.status);
    case 'blocked':
    case 'rejected':
    case 'config':
      return false;
  }
}

/** The delay before retry `n` (1-based); `random` returns [0, 1). */
export function retryDelay(schedule: RetrySchedule, n: number, random: () => number): number {
  switch (schedule.type) {
    case 'exponential': {
      const ceiling = Math.min(schedule.capMs, schedule.baseMs * 2 ** Math.min(n - 1, 40));
      return schedule.jitter === 'full' ? Math.floor(random() * ceiling) : ceiling;
    }
    case 'uniform':
      return schedule.minMs + Math.floor(random() * (schedule.maxMs - schedule.minMs + 1));
  }
}

/**
 * Decides after failed attempt number `attempt` (1 = the first) of a delivery whose budget
 * started at `firstAt`: retry at a time, or dead-letter with a reason.
 */
export function decideRetry(policy: RetryPolicy, f: Failed, attempt: number, firstAt: number, now: number, random: () => number): RetryDecision {
  const what = describeFailure(f);
  if (!shouldRetry(policy, f)) return { type: 'dead', reason: `not retryable: ${what}` };
  if (attempt > policy.maxAttempts) return { type: 'dead', reason: `gave up after ${attempt} attempt(s): ${what}` };
  let delay = retryDelay(policy.schedule, attempt, random);
  if (f.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(f.retryAfterMs, policy.retryAfterCapMs));
  const at = now + delay;
  if (at - firstAt > policy.maxAgeMs) return { type: 'dead', reason: `retry window of ${policy.maxAgeMs} ms exceeded after ${attempt} attempt(s): ${what}` };
  return { type: 'retry', at };
}

export function describeFailure(f: Failed): string {
  return f.status === undefined ? `${f.errorClass}: ${f.message}` : `${f.errorClass} ${f.status}: ${f.message}`;
}
