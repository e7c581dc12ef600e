/**
 * Group commit: callers that arrive while a commit is pending share the next one. Items queue
 * up during the current turn of the event loop; one `flush` (a single write transaction) takes
 * them all (up to maxItems) and settles every caller's promise with its own slice of results.
 *
 * Invariant: a caller's promise resolves only after the transaction holding its items has
 * committed; if the transaction throws, every caller in that group gets the error and none of
 * their items is stored.
 */
interface Pending<I, O> {
  readonly items: readonly I[];
  readonly resolve: (o: O[]) => void;
  readonly reject: (e: unknown) => void;
}

export class GroupCommitter<I, O> {
  readonly #flush: (items: I[]) => O[];
  readonly #maxItems: number;
  #queue: Pending<I, O>[] = [];
  #scheduled = false;
  #idle: (() => void)[] = [];

  constructor(flush: (items: I[]) => O[], maxItems: number) {
    this.#flush = flush;
    this.#maxItems = maxItems;
  }

  submit(items: readonly I[]): Promise<O[]> {
    return new Promise<O[]>((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#run());
      }
    });
  }

  /** Resolves once everything submitted so far has been flushed. */
  drain(): Promise<void> {
    if (!this.#scheduled && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #run(): void {
    while (this.#queue.length > 0) {
      const group: Pending<I, O>[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (group.length === 0 || count + this.#queue[0]!.items.length <= this.#maxItems)) {
        const next = this.#queue.shift()!;
        group.push(next);
        count += next.items.length;
      }
      const all: I[] = [];
      for (const g of group) for (const it of g.items) all.push(it);
      let results: O[];
      try {
        results = this.#flush(all);
      } catch (e) {
        for (const g of group) g.reject(e);
        continue;
      }
      let at = 0;
      for (const g of group) {
        g.resolve(results.slice(at, at + g.items.length));
        at += g.items.length;
      }
    }
    this.#scheduled = false;
    const idle = this.#idle;
    this.#idle = [];
    for (const f of idle) f();
  }
}
