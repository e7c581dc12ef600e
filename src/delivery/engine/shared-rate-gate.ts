// A target's rate limit when several processes deliver to it (a cluster): tokens come from the
// store's shared bucket (RateLimits) in chunks of about 100 ms worth, and are spent locally. The
// worker's pump reads it synchronously, like the in-process TokenBucket; a refill runs in the
// background and wakes the worker when it lands. Tokens held locally lapse after LOCAL_TTL_MS, so a
// node idle for a while cannot add an old chunk to the cluster's rate later.
import type { RateLimits, TargetKey } from '../../store/index.js';
import type { RateGate } from './token-bucket.js';

const LOCAL_TTL_MS = 1000;
/** Longest wait before asking the shared bucket again after it granted nothing. */
const MAX_RETRY_MS = 250;

export class SharedRateGate implements RateGate {
  readonly #limits: RateLimits;
  readonly #key: string;
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #chunk: number;
  readonly #wake: () => void;
  readonly #onError: (err: unknown) => void;
  #tokens = 0;
  #grantedAt = 0;
  #asking = false;
  #nextAskAt = 0;

  constructor(limits: RateLimits, key: TargetKey, rate: { readonly perSecond: number; readonly burst: number }, wake: () => void, onError: (err: unknown) => void) {
    this.#limits = limits;
    this.#key = JSON.stringify([key.bus, key.rule, key.target]);
    this.#perSecond = rate.perSecond;
    this.#burst = rate.burst;
    this.#chunk = Math.max(1, Math.min(rate.burst, Math.ceil(rate.perSecond / 10)));
    this.#wake = wake;
    this.#onError = onError;
  }

  available(now: number): number {
    if (now - this.#grantedAt > LOCAL_TTL_MS) this.#tokens = 0;
    if (this.#tokens < 1) this.#ask(now);
    return Math.floor(this.#tokens);
  }

  take(n: number, now: number): void {
    this.#tokens -= n;
    if (this.#tokens < 1) this.#ask(now);
  }

  waitMs(now: number): number {
    return Math.max(10, Math.min(MAX_RETRY_MS, this.#nextAskAt - now));
  }

  #ask(now: number): void {
    if (this.#asking || now < this.#nextAskAt) return;
    this.#asking = true;
    this.#limits.take(this.#key, this.#perSecond, this.#burst, this.#chunk, now).then((r) => {
      this.#asking = false;
      if (r.granted > 0) {
        this.#tokens = Math.max(0, this.#tokens) + r.granted;
        this.#grantedAt = now;
        this.#nextAskAt = 0;
        this.#wake();
      } else {
        this.#nextAskAt = now + Math.min(MAX_RETRY_MS, Math.max(1, r.waitMs));
      }
    }, (err: unknown) => {
      this.#asking = false;
      this.#nextAskAt = now + MAX_RETRY_MS;
      this.#onError(err);
    });
  }
}
