/**
 * A window of messages being taken at once: `run` waits while `max` are in flight, so a kind
 * reading a broker never holds more than `max` unsettled messages (its prefetch). `drain`
 * resolves when all have settled. Tasks must not reject (they settle their message themselves).
 */
export class InFlight {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly max: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    while (this.#pending.size >= this.max) await Promise.race(this.#pending);
    const p = task().finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.race(this.#pending);
  }
}
