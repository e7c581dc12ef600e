/**
 * When a call is tried again. Retried: 429 and 503 answers and network errors, `retries` times
 * at most, after `min(maxDelayMs, baseDelayMs * 2^attempt)` with full jitter — or after the
 * server's `Retry-After` when it sent one (capped at `maxRetryAfterMs`; longer: no retry).
 * Only idempotent calls are retried (GET, PUT, DELETE) and event puts, which the server
 * deduplicates by (source, id); other POSTs are never retried.
 */
export interface RetryPolicy {
  /** Tries after the first; 0 turns retries off. Default 3. */
  readonly retries: number;
  /** Default 200 ms. */
  readonly baseDelayMs: number;
  /** Default 10 s. */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown. Default 60 s. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/** Statuses worth another try: rate limited, unavailable. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The wait a `Retry-After` value asks for, in ms (delay-seconds or an HTTP date, RFC 9110
 * §10.2.3); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The delay before try `attempt + 1` (attempt 0 = the first failure), or undefined when no
 * retry is due. `random` in [0, 1) gives the jitter.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: number): number | undefined {
  if (attempt >= policy.retries) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs;
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(cap * random);
}
