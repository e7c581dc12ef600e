import type { BusRecord, Catalog, RuleRecord } from './types.js';
import { ChangeFeed, type CatalogChange, type CatalogListener, type CatalogWatch } from './change-feed.js';
import { silentStoreLog, type StoreLog } from './write-health.js';

/** A bus as the directory keeps it: everything but `nextSequence`, which moves with every append. */
export type BusEntry = Omit<BusRecord, 'nextSequence'>;

/** Synchronous reads of buses (existence, retention) for the put path. */
export interface BusDirectory {
  bus(name: string): BusEntry | undefined;
}

/** Synchronous reads of rules, and the change feed delayed until the view has applied each change. */
export interface RuleView extends CatalogWatch {
  rule(bus: string, name: string): RuleRecord | undefined;
  rules(bus?: string): RuleRecord[];
}

const ruleKey = (bus: string, name: string): string => `${bus}\u0000${name}`;

/**
 * The buses and rules of the catalog, in memory, kept current by its change feed: the bus
 * directory and rule view the put path and the dispatcher read without awaiting the catalog.
 *
 * Each announced change is applied in announcement order (one at a time: the re-read of a
 * later change never overtakes an earlier one), by re-reading the named bus or rule from the
 * catalog, and is then announced again to this view's own listeners (`watch`), so a follower
 * (the rule router, the dispatcher) reads the view in the state that includes the change.
 * A change committed by another node reaches this view like any other.
 */
export class CatalogView implements BusDirectory, RuleView {
  readonly #catalog: Pick<Catalog, 'buses' | 'rules' | 'watch'>;
  readonly #buses = new Map<string, BusEntry>();
  readonly #rules = new Map<string, RuleRecord>();
  readonly #feed: ChangeFeed;
  readonly #log: StoreLog;
  #chain: Promise<void> = Promise.resolve();
  #unwatch: (() => void) | undefined;

  private constructor(catalog: Pick<Catalog, 'buses' | 'rules' | 'watch'>, log: StoreLog) {
    this.#catalog = catalog;
    this.#log = log;
    this.#feed = new ChangeFeed(log);
  }

  /** Loads every bus and rule, then follows the feed. Subscribed before the load: a change committed meanwhile is applied (again) after it. */
  static async open(catalog: Pick<Catalog, 'buses' | 'rules' | 'watch'>, log: StoreLog = silentStoreLog): Promise<CatalogView> {
    const view = new CatalogView(catalog, log);
    let loaded!: () => void;
    view.#chain = new Promise<void>((resolve) => (loaded = resolve));
    view.#unwatch = catalog.watch((c) => view.#enqueue(c));
    try {
      const [buses, rules] = await Promise.all([catalog.buses.list(), catalog.rules.list()]);
      for (const b of buses) view.#buses.set(b.name, entry(b));
      for (const r of rules) view.#rules.set(ruleKey(r.bus, r.name), r);
    } catch (err) {
      view.close();
      throw err;
    } finally {
      loaded();
    }
    return view;
  }

  bus(name: string): BusEntry | undefined {
    return this.#buses.get(name);
  }

  rule(bus: string, name: string): RuleRecord | undefined {
    return this.#rules.get(ruleKey(bus, name));
  }

  rules(bus?: string): RuleRecord[] {
    const all = [...this.#rules.values()];
    return bus === undefined ? all : all.filter((r) => r.bus === bus);
  }

  /** Told of each catalog change once this view has applied it, in the catalog's order. */
  watch(listener: CatalogListener): () => void {
    return this.#feed.watch(listener);
  }

  /** Resolves when every change announced so far has been applied (and re-announced). */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Stops following the catalog (idempotent). */
  close(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  #enqueue(c: CatalogChange): void {
    this.#chain = this.#chain.then(() => this.#apply(c)).then(
      () => this.#feed.announce(c),
      (err: unknown) => {
        // The view keeps what it had for this name; the next change to it re-reads.
        this.#log.error({ err, change: c }, 'the catalog view could not apply a change');
        this.#feed.announce(c);
      },
    );
  }

  async #apply(c: CatalogChange): Promise<void> {
    if (c.type === 'bus') {
      const b = c.op === 'put' ? await this.#catalog.buses.get(c.bus) : undefined;
      if (b !== undefined) {
        this.#buses.set(b.name, entry(b));
        return;
      }
      this.#buses.delete(c.bus);
      for (const [k, r] of this.#rules) if (r.bus === c.bus) this.#rules.delete(k);
      return;
    }
    if (c.type !== 'rule') return;
    // The feed names the rule; the catalog has its committed state (undefined: deleted since).
    const r = c.op === 'put' ? await this.#catalog.rules.get(c.bus, c.name) : undefined;
    if (r === undefined) this.#rules.delete(ruleKey(c.bus, c.name));
    else this.#rules.set(ruleKey(c.bus, c.name), r);
  }
}

const entry = (b: BusRecord): BusEntry => ({ name: b.name, description: b.description, createdAt: b.createdAt, retention: b.retention });
