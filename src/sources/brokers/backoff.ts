/**
 * Reconnect backoff of the broker kinds: 250 ms doubling to 30 s, with ±20% jitter so sources
 * of one server do not reconnect in step. Retry as data (STYLE.md): `next()` gives the wait.
 */
export class Backoff {
  #attempt = 0;

  constructor(private readonly minMs = 250, private readonly maxMs = 30_000) {}

  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.#attempt, 20));
    this.#attempt++;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
