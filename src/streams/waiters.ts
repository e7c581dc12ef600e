/**
 * Long-poll waits (receive, fetch): a caller waits for a wake-up of its key, at most `ms`, and
 * stops early when its request goes away (`signal`). Each wait holds one timer, cleared on every
 * way out; at most `maxWaiters` wait at once (a wait beyond that returns at once), so waits never
 * pile up timers or sockets. A wake-up is a hint: the caller reads its source again.
 */
export class Waiters {
  readonly #byKey = new Map<string, Set<() => void>>();
  readonly #maxWaiters: number;
  #count = 0;
  #closed = false;

  constructor(maxWaiters: number) {
    this.#maxWaiters = maxWaiters;
  }

  /** Waiting now. */
  get size(): number {
    return this.#count;
  }

  /**
   * Resolves on a wake-up of `key`, after `ms`, or when `signal` aborts, whichever comes first,
   * with true; with false at once when it does not wait (no time left, aborted, closed, or
   * `maxWaiters` waiting already): the caller then answers instead of looking again.
   */
  wait(key: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (ms <= 0 || signal?.aborted === true || this.#closed || this.#count >= this.#maxWaiters) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let set = this.#byKey.get(key);
      if (set === undefined) {
        set = new Set();
        this.#byKey.set(key, set);
      }
      const waiters = set;
      this.#count++;
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (waiters.delete(done)) this.#count--;
        if (waiters.size === 0 && this.#byKey.get(key) === waiters) this.#byKey.delete(key);
        resolve(true);
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiter of `key`. */
  wake(key: string): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const done of [...set]) done();
  }

  /** Wakes everyone and refuses later waits (shutdown): long polls answer now. */
  close(): void {
    this.#closed = true;
    for (const key of [...this.#byKey.keys()]) this.wake(key);
  }
}
