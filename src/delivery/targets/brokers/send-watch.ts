/** Why a watched send ended before its broker answered. */
export type Expiry = 'timeout' | 'aborted';

/** One send under a {@link SendWatch}: a node of its list, in deadline order. */
export class WatchedSend {
  readonly at: number;
  readonly signal: AbortSignal;
  readonly #onExpire: (why: Expiry) => void;
  readonly #list: SendWatch;
  prev: WatchedSend | undefined;
  next: WatchedSend | undefined;
  #open = true;

  constructor(at: number, signal: AbortSignal, onExpire: (why: Expiry) => void, list: SendWatch) {
    this.at = at;
    this.signal = signal;
    this.#onExpire = onExpire;
    this.#list = list;
  }

  /** Not yet ended nor expired. */
  get open(): boolean {
    return this.#open;
  }

  /** Ends the watch when the send finished: true when it had not expired (its outcome is still to give). */
  end(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#list.unlink(this);
    return true;
  }

  expire(why: Expiry): void {
    if (this.end()) this.#onExpire(why);
  }
}

/**
 * The sends of one target waiting for the broker, watched for their deadline and their abort
 * signal without a timer or an abort listener per send: a linked list in deadline order (every
 * send of a target has the same timeout, so the order they start in), one timer armed for the
 * earliest deadline, one abort listener per distinct signal (the engine passes every send of a
 * target worker the same one). A list, not a Set: short-lived sends churning through a
 * long-lived Set cost the garbage collector several µs per send.
 */
export class SendWatch {
  #head: WatchedSend | undefined;
  #tail: WatchedSend | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #signals = new WeakSet<AbortSignal>();

  /** Watches a send until `end()`: `onExpire` is called (once) if `at` (performance.now() time) passes or `signal` aborts first. */
  add(at: number, signal: AbortSignal, onExpire: (why: Expiry) => void): WatchedSend {
    const w = new WatchedSend(at, signal, onExpire, this);
    w.prev = this.#tail;
    if (this.#tail === undefined) this.#head = w;
    else this.#tail.next = w;
    this.#tail = w;
    if (this.#timer === undefined) this.#arm(at);
    if (!this.#signals.has(signal)) {
      this.#signals.add(signal);
      signal.addEventListener('abort', () => {
        for (let w = this.#head; w !== undefined;) {
          const next = w.next;
          if (w.signal === signal) w.expire('aborted');
          w = next;
        }
      }, { once: true });
    }
    return w;
  }

  /** @internal Removes a node (WatchedSend.end). */
  unlink(w: WatchedSend): void {
    if (w.prev === undefined) this.#head = w.next;
    else w.prev.next = w.next;
    if (w.next === undefined) this.#tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = undefined;
    w.next = undefined;
  }

  #arm(at: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = performance.now();
      while (this.#head !== undefined && this.#head.at <= now) this.#head.expire('timeout');
      if (this.#head !== undefined) this.#arm(this.#head.at);
    }, Math.max(1, Math.ceil(at - performance.now())));
    // A send in flight holds its connection's socket open; the timer need not hold the process.
    this.#timer.unref();
  }
}
