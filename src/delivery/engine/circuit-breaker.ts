/** A breaker's state, as the API shows it. */
export type BreakerState =
  | { readonly type: 'closed'; readonly consecutiveFailures: number }
  | { readonly type: 'open'; readonly until: number }
  | { readonly type: 'half-open' };

/**
 * Circuit breaker per target: `failureThreshold` consecutive failures open it for `openMs`;
 * then it is half-open and lets one probe through: success closes it, failure opens it again.
 * Deliveries not sent while it is open stay in the queue (nothing is lost). Its state is kept
 * in memory only on purpose: after a restart it is relearnt within `failureThreshold` attempts.
 */
export class CircuitBreaker {
  #threshold: number;
  #openMs: number;
  #failures = 0;
  #openUntil: number | undefined;
  #probing = false;

  constructor(failureThreshold: number, openMs: number) {
    this.#threshold = failureThreshold;
    this.#openMs = openMs;
  }

  /** Applies changed settings (a rule update); the current state is kept. */
  configure(failureThreshold: number, openMs: number): void {
    this.#threshold = failureThreshold;
    this.#openMs = openMs;
  }

  state(now: number): BreakerState {
    if (this.#openUntil === undefined) return { type: 'closed', consecutiveFailures: this.#failures };
    return now < this.#openUntil ? { type: 'open', until: this.#openUntil } : { type: 'half-open' };
  }

  /** How many sends may start now besides `inFlight` ones (Infinity when closed). */
  allowance(now: number, inFlight: number): number {
    const s = this.state(now);
    if (s.type === 'closed') return Infinity;
    if (s.type === 'open') return 0;
    return this.#probing || inFlight > 0 ? 0 : 1;
  }

  /** Marks the start of the half-open probe. */
  probe(): void {
    if (this.#openUntil !== undefined) this.#probing = true;
  }

  success(): void {
    this.#failures = 0;
    this.#openUntil = undefined;
    this.#probing = false;
  }

  failure(now: number): void {
    this.#failures++;
    this.#probing = false;
    if (this.#openUntil !== undefined || this.#failures >= this.#threshold) this.#openUntil = now + this.#openMs;
  }

  /** When an open breaker turns half-open, if it is open. */
  openUntil(now: number): number | undefined {
    return this.#openUntil !== undefined && now < this.#openUntil ? this.#openUntil : undefined;
  }
}
