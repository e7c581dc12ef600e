/**
 * Runs async work one at a time per key, in call order: a read-then-write sequence on one
 * catalog entry (merge a connection's secrets, rotate a target's signing secrets, patch a rule)
 * stays whole when the store's reads and writes are async. Within one process only; another
 * node's write is not held back (the catalog's last write wins, as with any two API calls).
 *
 * @example
 * const lock = new KeyedLock();
 * await lock.run('orders/r1', async () => { const r = await get(); await put({ ...r, state }); });
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.then(() => undefined, () => undefined);
    this.#tails.set(key, tail);
    // The last one out forgets the key, so the map holds only keys with work pending.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
