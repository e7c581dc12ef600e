/** What a target worker asks of its rate limit (synchronously, on its pump). */
export interface RateGate {
  /** Whole tokens available now. */
  available(now: number): number;
  take(n: number, now: number): void;
  /** Milliseconds until it is worth asking again. */
  waitMs(now: number): number;
}

/**
 * A token bucket: `perSecond` tokens accrue continuously up to `burst`; each delivery takes one.
 * Time comes from the caller, so tests move it without sleeping.
 */
export class TokenBucket implements RateGate {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(perSecond: number, burst: number, now: number) {
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  take(n: number, now: number): void {
    this.#refill(now);
    this.#tokens -= n;
  }

  /** Milliseconds until one whole token is available (0 if one is). */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#perMs);
  }

  #refill(now: number): void {
    if (now > this.#at) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
      this.#at = now;
    }
  }
}
