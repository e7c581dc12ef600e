// Recording into PostgreSQL, batched: appends that finish while a recording transaction is in
// flight are recorded together in the next one. One transaction at a time per node keeps the
// recording order the order of the appends (a producer's FIFO group stays in order) and turns
// many concurrent puts into few transactions on the bus's hot rows.

interface Waiting<I> {
  readonly items: readonly I[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class RecordBatcher<I> {
  readonly #flush: (items: readonly I[]) => Promise<void>;
  readonly #maxItems: number;
  #queue: Waiting<I>[] = [];
  #running = false;

  constructor(flush: (items: readonly I[]) => Promise<void>, maxItems: number) {
    this.#flush = flush;
    this.#maxItems = maxItems;
  }

  /** Resolves once `items` are recorded (with whatever was waiting beside them); rejects when that transaction failed. */
  submit(items: readonly I[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const group: Waiting<I>[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (group.length === 0 || count + this.#queue[0]!.items.length <= this.#maxItems)) {
        const next = this.#queue.shift()!;
        group.push(next);
        count += next.items.length;
      }
      try {
        await this.#flush(group.flatMap((g) => g.items));
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.#running = false;
  }
}
