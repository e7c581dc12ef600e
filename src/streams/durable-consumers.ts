import { SwitchyardError, type Clock, type Violation } from '../core/index.js';
import { RuleMatcher } from '../rules/index.js';
import type { ConsumerRecord, Store, StoredEvent } from '../store/index.js';
import { Waiters } from './waiters.js';

export const MAX_FETCH = 1000;
export const MAX_FETCH_WAIT_MS = 60_000;
/** Most events one fetch looks at through a pattern before answering (what it skipped is covered by its `offset`). */
export const MAX_FETCH_SCAN = 10_000;
const SCAN_PAGE = 500;
/** How often a long-poll fetch looks again without a wake-up (events appended by another node). */
const POLL_MS = 1000;

/** Where a consumer starts, or where a reset puts it. */
export type StartPosition =
  | { readonly type: 'earliest' }
  | { readonly type: 'latest' }
  /** The first event read is this sequence. */
  | { readonly type: 'sequence'; readonly sequence: number }
  /** The first event read is the first received at or after this time (ms). */
  | { readonly type: 'time'; readonly time: number };

/** A consumer with where it stands: `head` (the bus's last sequence) and `lag` (head − offset). */
export interface ConsumerState extends ConsumerRecord {
  readonly head: number;
  readonly lag: number;
}

export interface FetchResult {
  readonly events: readonly StoredEvent[];
  /** Commit this to be done with everything this fetch returned or skipped (through the pattern). */
  readonly offset: number;
  readonly head: number;
  readonly lag: number;
}

/** Wakes readers when events are stored on a bus (the observe EventFeed fits). */
export interface AppendSignal {
  subscribe(bus: string, listener: () => void): () => void;
}

export interface ConsumerDeps {
  readonly store: Pick<Store, 'consumers' | 'events' | 'catalog'>;
  readonly clock: Clock;
  readonly appends?: AppendSignal;
  readonly maxWaiters?: number;
}

const invalid = (path: string, reason: string): SwitchyardError =>
  new SwitchyardError('SWY_CONSUMER_INVALID', reason, { violations: [{ path, reason }] });

/**
 * Durable consumers (docs/consumers.md): named readers of a bus with a committed offset. A fetch
 * reads after the committed offset (through the consumer's pattern), waiting up to `waitMs` for
 * events; a commit moves the offset forward only, so once a reader committed, no reader of the
 * consumer sees those events again; a reset moves it to a start position.
 */
export class DurableConsumers {
  readonly #deps: ConsumerDeps;
  readonly #waiters: Waiters;
  readonly #matchers = new Map<string, { text: string; m: RuleMatcher }>();
  readonly #subs = new Map<string, { unsub: () => void; users: number }>();

  constructor(deps: ConsumerDeps) {
    this.#deps = deps;
    this.#waiters = new Waiters(deps.maxWaiters ?? 10_000);
  }

  close(): void {
    this.#waiters.close();
  }

  /** Long-poll fetches waiting now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Checks an event pattern; throws SWY_CONSUMER_INVALID with one violation per problem. */
  static checkPattern(pattern: unknown, path = '/pattern'): void {
    compile(pattern, path);
  }

  async create(bus: string, name: string, pattern: unknown, start: StartPosition): Promise<{ consumer: ConsumerState; created: boolean }> {
    if (pattern !== null) compile(pattern, '/pattern');
    const head = await this.#head(bus);
    const offset = await this.#position(bus, start, head, '/start');
    const r = await this.#deps.store.consumers.create({ bus, name, pattern, offset }, this.#deps.clock.now());
    if (r === undefined) throw busMissing(bus);
    if (!r.created && JSON.stringify(r.consumer.pattern) !== JSON.stringify(pattern)) {
      throw new SwitchyardError('SWY_CONSUMER_EXISTS', `consumer "${name}" exists on bus "${bus}" with another pattern`);
    }
    return { consumer: state(r.consumer, head), created: r.created };
  }

  async get(bus: string, name: string): Promise<ConsumerState> {
    const head = await this.#head(bus);
    return state(await this.#record(bus, name), head);
  }

  async list(bus: string): Promise<ConsumerState[]> {
    const head = await this.#head(bus);
    return (await this.#deps.store.consumers.list(bus)).map((c) => state(c, head));
  }

  async delete(bus: string, name: string): Promise<void> {
    if (!(await this.#deps.store.consumers.delete(bus, name))) throw notFound(bus, name);
    this.#matchers.delete(`${bus}\u0000${name}`);
  }

  async commit(bus: string, name: string, offset: number): Promise<ConsumerState> {
    const head = await this.#head(bus);
    if (offset > head) throw invalid('/offset', `offset ${offset} is beyond the bus's last sequence (${head})`);
    const c = await this.#deps.store.consumers.commit(bus, name, offset, this.#deps.clock.now());
    if (c === undefined) throw notFound(bus, name);
    return state(c, head);
  }

  async reset(bus: string, name: string, to: StartPosition): Promise<ConsumerState> {
    const head = await this.#head(bus);
    await this.#record(bus, name);
    const offset = await this.#position(bus, to, head, '');
    const c = await this.#deps.store.consumers.reset(bus, name, offset, this.#deps.clock.now());
    if (c === undefined) throw notFound(bus, name);
    return state(c, head);
  }

  /**
   * Up to `max` events after the committed offset through the pattern, waiting up to `waitMs`
   * for the first. While it waits it goes on from where it stopped looking (not from the
   * committed offset again), and it looks at no more than MAX_FETCH_SCAN events in all.
   */
  async fetch(bus: string, name: string, max: number, waitMs: number, signal?: AbortSignal): Promise<FetchResult> {
    const deadline = this.#deps.clock.now() + waitMs;
    const unsub = waitMs > 0 ? this.#subscribe(bus) : undefined;
    try {
      const c = await this.#record(bus, name);
      let from = c.offset;
      let budget = MAX_FETCH_SCAN;
      for (;;) {
        const r = await this.#read(c, from, max, budget);
        from = r.offset;
        budget -= r.scanned;
        const left = deadline - this.#deps.clock.now();
        const answer = r.events.length > 0 || left <= 0 || budget <= 0 || signal?.aborted === true
          || !(await this.#waiters.wait(bus, Math.min(left, POLL_MS), signal));
        if (answer) {
          const head = await this.#head(bus);
          const now = await this.#deps.store.consumers.get(bus, name);
          const committed = now?.offset ?? c.offset;
          return { events: r.events, offset: Math.max(r.offset, committed), head, lag: Math.max(0, head - committed) };
        }
      }
    } finally {
      unsub?.();
    }
  }

  async #read(c: ConsumerRecord, after: number, max: number, budget: number): Promise<{ events: StoredEvent[]; offset: number; scanned: number }> {
    const m = c.pattern === null ? undefined : this.#matcher(c);
    const events: StoredEvent[] = [];
    let offset = after;
    let scanned = 0;
    while (events.length < max && scanned < budget) {
      const limit = m === undefined ? max - events.length : Math.min(SCAN_PAGE, budget - scanned);
      const page = await this.#deps.store.events.list({ bus: c.bus, after: offset, limit });
      for (const e of page.items) {
        scanned++;
        if (m === undefined || m.matchText(e.body).length > 0) events.push(e);
        offset = e.sequence;
        if (events.length >= max) break;
      }
      if (page.items.length < limit) break;
    }
    return { events, offset, scanned };
  }

  #matcher(c: ConsumerRecord): RuleMatcher {
    const id = `${c.bus}\u0000${c.name}`;
    const text = JSON.stringify(c.pattern);
    const have = this.#matchers.get(id);
    if (have !== undefined && have.text === text) return have.m;
    const m = compile(c.pattern, '/pattern');
    this.#matchers.set(id, { text, m });
    return m;
  }

  /** One append subscription per bus, shared by its waiting fetches. */
  #subscribe(bus: string): () => void {
    const appends = this.#deps.appends;
    if (appends === undefined) return () => {};
    let s = this.#subs.get(bus);
    if (s === undefined) {
      s = { unsub: appends.subscribe(bus, () => this.#waiters.wake(bus)), users: 0 };
      this.#subs.set(bus, s);
    }
    const sub = s;
    sub.users++;
    return () => {
      if (--sub.users === 0 && this.#subs.get(bus) === sub) {
        sub.unsub();
        this.#subs.delete(bus);
      }
    };
  }

  async #record(bus: string, name: string): Promise<ConsumerRecord> {
    const c = await this.#deps.store.consumers.get(bus, name);
    if (c === undefined) {
      await this.#head(bus);
      throw notFound(bus, name);
    }
    return c;
  }

  async #head(bus: string): Promise<number> {
    const b = await this.#deps.store.catalog.buses.get(bus);
    if (b === undefined) throw busMissing(bus);
    return b.nextSequence - 1;
  }

  async #position(bus: string, p: StartPosition, head: number, path: string): Promise<number> {
    switch (p.type) {
      case 'earliest': return 0;
      case 'latest': return head;
      case 'sequence':
        if (p.sequence > head + 1) throw invalid(`${path}/sequence`, `sequence ${p.sequence} is beyond the bus's next sequence (${head + 1})`);
        return p.sequence - 1;
      case 'time': {
        const page = await this.#deps.store.events.list({ bus, from: p.time, limit: 1 });
        const first = page.items[0];
        return first === undefined ? head : first.sequence - 1;
      }
    }
  }
}

function state(c: ConsumerRecord, head: number): ConsumerState {
  return { ...c, head, lag: Math.max(0, head - c.offset) };
}

function compile(pattern: unknown, path: string): RuleMatcher {
  const m = new RuleMatcher();
  try {
    m.add('c', { pattern });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const violations: Violation[] = e instanceof SwitchyardError && e.violations.length > 0
      ? e.violations.map((v) => ({ path: `${path}${v.path.startsWith('/') ? v.path : `/${v.path}`}`, reason: v.reason }))
      : [{ path, reason }];
    throw new SwitchyardError('SWY_CONSUMER_INVALID', `the pattern is not a valid event pattern: ${reason}`, { violations, cause: e });
  }
  return m;
}

const notFound = (bus: string, name: string): SwitchyardError => new SwitchyardError('SWY_CONSUMER_NOT_FOUND', `bus "${bus}" has no consumer "${name}"`);
const busMissing = (bus: string): SwitchyardError => new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
