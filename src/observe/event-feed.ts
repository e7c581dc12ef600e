import type { AppendItem, AppendOutcome } from '../store/index.js';

/**
 * Wakes live-tail readers when events are committed. It carries no events: readers always
 * read the store after their own cursor, so a wake-up that is missed or merged costs only
 * latency, never an event (no gap between replay and live, none across reconnects).
 */
export class EventFeed {
  readonly #listeners = new Map<string, Set<() => void>>();

  /** Calls `listener` after each commit that stored events on `bus`; returns the unsubscribe. */
  subscribe(bus: string, listener: () => void): () => void {
    let set = this.#listeners.get(bus);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(bus, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(bus);
    };
  }

  /** IngestObserver side: wakes the readers of every bus that got a stored event. */
  appended(items: readonly AppendItem[], outcomes: readonly AppendOutcome[]): void {
    if (this.#listeners.size === 0) return;
    let woken: Set<string> | undefined;
    for (let i = 0; i < items.length; i++) {
      const bus = items[i]!.bus;
      if (outcomes[i]?.type !== 'stored' || woken?.has(bus) === true) continue;
      (woken ??= new Set()).add(bus);
      for (const l of this.#listeners.get(bus) ?? []) l();
    }
  }
}
