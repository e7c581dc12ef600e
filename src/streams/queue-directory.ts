import type { RuleRecord, RuleView, TargetKey } from '../store/index.js';

/** One target feeding a queue, with its settings (defaults applied). */
export interface QueueFeed {
  readonly key: TargetKey;
  readonly lockMs: number;
  readonly maxReceives: number;
  /** Ordered by a FIFO group attribute. */
  readonly ordered: boolean;
}

export interface QueueDefaults {
  readonly lockMs: number;
  readonly maxReceives: number;
}

/**
 * Which rule targets feed each named queue of a bus: every target of kind `queue` naming it, on
 * any rule of the bus (enabled or not: what is queued stays receivable). Built per bus from the
 * rule view on first use and dropped when a rule of that bus changes.
 */
export class QueueDirectory {
  readonly #rules: RuleView;
  readonly #defaults: QueueDefaults;
  readonly #byBus = new Map<string, ReadonlyMap<string, readonly QueueFeed[]>>();
  readonly #unwatch: () => void;

  constructor(rules: RuleView, defaults: QueueDefaults) {
    this.#rules = rules;
    this.#defaults = defaults;
    this.#unwatch = rules.watch((c) => {
      if (c.type === 'rule') this.#byBus.delete(c.bus);
      else if (c.type === 'bus') this.#byBus.delete(c.bus);
    });
  }

  /** The feeds of a queue; empty when no target names it. */
  feeds(bus: string, queue: string): readonly QueueFeed[] {
    return this.#bus(bus).get(queue) ?? [];
  }

  /** The bus's queues by name. */
  queues(bus: string): ReadonlyMap<string, readonly QueueFeed[]> {
    return this.#bus(bus);
  }

  close(): void {
    this.#unwatch();
  }

  #bus(bus: string): ReadonlyMap<string, readonly QueueFeed[]> {
    let m = this.#byBus.get(bus);
    if (m === undefined) {
      m = this.#build(this.#rules.rules(bus));
      this.#byBus.set(bus, m);
    }
    return m;
  }

  #build(rules: readonly RuleRecord[]): Map<string, QueueFeed[]> {
    const out = new Map<string, QueueFeed[]>();
    for (const r of [...rules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      for (const t of r.targets) {
        if (t.kind !== 'queue') continue;
        const feed: QueueFeed = {
          key: { bus: r.bus, rule: r.name, target: t.id },
          lockMs: t.lockMs ?? this.#defaults.lockMs,
          maxReceives: t.maxReceives ?? this.#defaults.maxReceives,
          ordered: t.ordering !== undefined,
        };
        const list = out.get(t.queue);
        if (list === undefined) out.set(t.queue, [feed]);
        else list.push(feed);
      }
    }
    return out;
  }
}
