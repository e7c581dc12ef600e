import type { Service } from '../core/index.js';
import type { Store } from './types.js';

/** Runs the store's retention sweep every `intervalMs` (a Service: start/stop). */
export class RetentionSweeper implements Service {
  readonly name = 'retention-sweeper';
  readonly #store: Store;
  readonly #intervalMs: number;
  readonly #onError: (e: unknown) => void;
  readonly #onSwept: (n: number) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store, intervalMs: number, hooks: { onError: (e: unknown) => void; onSwept?: (n: number) => void }) {
    this.#store = store;
    this.#intervalMs = intervalMs;
    this.#onError = hooks.onError;
    this.#onSwept = hooks.onSwept ?? (() => {});
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => this.sweepNow(), this.#intervalMs);
    this.#timer.unref();
  }

  /** One sweep now; errors go to the hook, never thrown. */
  sweepNow(): number {
    try {
      const n = this.#store.sweepRetention();
      if (n > 0) this.#onSwept(n);
      return n;
    } catch (e) {
      this.#onError(e);
      return 0;
    }
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
