import type { Service } from '../core/index.js';
import type { Housekeeping } from './types.js';

/** Runs the store's retention sweep (its housekeeping) every `intervalMs` (a Service: start/stop). One sweep at a time. */
export class RetentionSweeper implements Service {
  readonly name = 'retention-sweeper';
  readonly #housekeeping: Housekeeping;
  readonly #intervalMs: number;
  readonly #onError: (e: unknown) => void;
  readonly #onSwept: (n: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;

  constructor(housekeeping: Housekeeping, intervalMs: number, hooks: { onError: (e: unknown) => void; onSwept?: (n: number) => void }) {
    this.#housekeeping = housekeeping;
    this.#intervalMs = intervalMs;
    this.#onError = hooks.onError;
    this.#onSwept = hooks.onSwept ?? (() => {});
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => void this.sweepNow(), this.#intervalMs);
    this.#timer.unref();
  }

  /** One sweep now (or the one running); errors go to the hook, never rejected. */
  sweepNow(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    try {
      const n = await this.#housekeeping.sweepRetention();
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
    await this.#sweeping;
  }
}
