import type { Clock } from '../../core/index.js';
import type { Completion, DeliveryQueue } from '../../store/index.js';

/**
 * Group commit for completions: every completion submitted during one turn of the event loop
 * is written in one `complete` call, then each submitter's `after` runs (it frees the send slot,
 * so a FIFO group's next delivery is leased only after its head's outcome is durable). Writes
 * run one after another, in submission order.
 */
export class CompletionWriter {
  readonly #queue: DeliveryQueue;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  #pending: Completion[] = [];
  #after: (() => void)[] = [];
  #scheduled = false;
  /** The write in progress and those queued behind it. */
  #chain: Promise<void> = Promise.resolve();

  constructor(queue: DeliveryQueue, clock: Clock, onError: (err: unknown) => void) {
    this.#queue = queue;
    this.#clock = clock;
    this.#onError = onError;
  }

  submit(completions: readonly Completion[], after: () => void): void {
    for (const c of completions) this.#pending.push(c);
    this.#after.push(after);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /**
   * Writes everything submitted so far (after the writes before it); resolves when written. A
   * failed write leaves the leases to expire (re-delivery).
   */
  flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#pending;
    const after = this.#after;
    this.#pending = [];
    this.#after = [];
    if (batch.length === 0 && after.length === 0) return this.#chain;
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#queue.complete(batch, this.#clock.now());
      } catch (err) {
        this.#onError(err);
      }
      for (const f of after) f();
    });
    return this.#chain;
  }
}
