import type { Clock, Service } from '../../core/index.js';
import {
  isStoreUnavailable, LocalBreakerBoard, type BreakerBoard, type CatalogChange, type RuleView, type Store, type TargetCounts, type TargetHealth, type TargetKey,
} from '../../store/index.js';
import type { Target } from '../target.js';
import { breakerState, type BreakerState } from './circuit-breaker.js';
import { CompletionWriter } from './completion-writer.js';
import { noDeliveryObserver, type DeliveryObserver } from './delivery-observer.js';
import { ruleTargets, targetSpecOf, type TargetSpec } from './rule-target.js';
import { resolveTargetSpec, DEAD_LETTER_SUFFIX, type EngineDefaults, type EngineTargetSpec } from './target-spec.js';
import { TargetWorker } from './target-worker.js';

/** Dispatcher settings (config `delivery.*`, docs/config.md). */
export interface DispatcherOptions {
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly defaultConcurrency: number;
  readonly disableAfterMs: number;
  readonly breakerFailureThreshold: number;
  readonly breakerOpenMs: number;
  /** Delivered rows (and their attempts) are kept this long for traces, then swept. */
  readonly keepDeliveredMs: number;
  /** On stop, sends in flight get this long before they are aborted (and released). */
  readonly shutdownGraceMs: number;
  /** Largest transformer output in bytes (src/transform/limits.ts); its default when absent. */
  readonly maxTransformOutputBytes?: number;
}

export interface DispatcherLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DispatcherDeps {
  readonly store: Store;
  /** The catalog's rules in memory (the store's CatalogView); its feed tells of rule changes once it has them. */
  readonly rules: RuleView;
  readonly clock: Clock;
  /** Builds the target of a spec (targets/registry `createTarget` with the server's deps). */
  readonly createTarget: (spec: TargetSpec) => Target;
  readonly options: DispatcherOptions;
  readonly random?: () => number;
  readonly log?: DispatcherLog;
  /** Told of attempts, outcomes, breaker changes and disabled targets (src/observe); none by default. */
  readonly observer?: DeliveryObserver;
}

/** A target's state for the API. */
export interface TargetStatus {
  readonly id: string;
  readonly kind: string;
  readonly state: 'enabled' | 'disabled';
  readonly breaker: BreakerState;
  readonly failingSince: number | null;
  readonly disabledAt: number | null;
  readonly inFlight: number;
  readonly deliveries: TargetCounts;
}

const keyId = (k: TargetKey): string => `${k.bus}\u0000${k.rule}\u0000${k.target}`;
const SWEEP_EVERY_TICKS = 60;
const SWEEP_BATCH = 10_000;
/** Every this many ticks the dispatcher asks the queue which targets have work (the hints' safety net). */
const SCAN_EVERY_TICKS = 5;

/**
 * The delivery service: one {@link TargetWorker} per target with work. Woken by the queue's
 * "work available" hints (`watchWork`: after each commit that enqueued deliveries, so
 * light-load latency is one event-loop turn), and by a tick every `pollIntervalMs` that wakes
 * every worker (retries falling due, leases that ended) and sweeps old delivered rows. Every
 * fifth tick it also asks the queue which targets have work, so a hint that never came (another
 * node's commit, a lost notification) delays a delivery by seconds, never forever. Rule changes
 * reach it through the catalog's change feed (via the rule view, `deps.rules`), whoever made them: a changed
 * target is rebuilt, a removed one has its work dead-lettered. Leases are not released at start:
 * a lease ends on its own, and a backend that knows better (SQLite, holding its directory's lock)
 * ends a previous process's leases when it opens.
 */
export class Dispatcher implements Service {
  readonly name = 'dispatcher';
  readonly #deps: DispatcherDeps;
  readonly #defaults: EngineDefaults;
  readonly #writer: CompletionWriter;
  /** The store's shared breakers (a cluster), else this process's own. */
  readonly #breakers: BreakerBoard;
  readonly #workers = new Map<string, TargetWorker>();
  /** Workers being made (their rule is read first): a second wake-up waits for the same one. */
  readonly #making = new Map<string, Promise<TargetWorker | undefined>>();
  /** Targets gone whose dead-lettering failed (a full disk): tried again each tick. */
  readonly #unkilled = new Map<string, { key: TargetKey; reason: string }>();
  #tick: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;
  #unwork: (() => void) | undefined;
  #unbreak: (() => void) | undefined;
  #ticks = 0;
  #running = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const o = deps.options;
    this.#defaults = {
      concurrency: o.defaultConcurrency, breakerFailureThreshold: o.breakerFailureThreshold, breakerOpenMs: o.breakerOpenMs,
      ...(o.maxTransformOutputBytes === undefined ? {} : { maxTransformOutputBytes: o.maxTransformOutputBytes }),
    };
    this.#breakers = deps.store.breakers ?? new LocalBreakerBoard();
    this.#writer = new CompletionWriter(deps.store.deliveries, deps.clock, (err) => this.#logFailure(err, {}, 'writing delivery outcomes failed'));
  }

  async start(): Promise<void> {
    const q = this.#deps.store.deliveries;
    this.#running = true;
    this.#unwork = q.watchWork((keys) => {
      for (const k of keys) void this.#wake(k);
    });
    this.#unwatch = this.#deps.rules.watch((c) => void this.#onCatalogChange(c));
    this.#unbreak = this.#breakers.watch((key, record) => this.#workers.get(keyId(key))?.breakerChanged(record));
    await this.#scan();
    this.#tick = setInterval(() => void this.#onTick(), this.#deps.options.pollIntervalMs);
    this.#tick.unref();
  }

  /** Stops leasing; lets sends in flight finish (up to the grace), writes their outcomes. */
  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#tick);
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#unwork?.();
    this.#unwork = undefined;
    this.#unbreak?.();
    this.#unbreak = undefined;
    await Promise.allSettled([...this.#making.values()]);
    const workers = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(workers.map((w) => w.stop(this.#deps.options.shutdownGraceMs)));
    await this.#writer.flush();
  }

  /**
   * The state of each target of a rule (circuit breaker, health, queue counts), each followed by
   * its dead-letter target (id `<id>#dead-letter`) when it has one.
   */
  async targets(bus: string, rule: string): Promise<TargetStatus[] | undefined> {
    const r = this.#deps.rules.rule(bus, rule);
    if (r === undefined) return undefined;
    const now = this.#deps.clock.now();
    const q = this.#deps.store.deliveries;
    const status = async (id: string, kind: string): Promise<TargetStatus> => {
      const key = { bus, rule, target: id };
      const st = this.#workers.get(keyId(key))?.status(now);
      const health: TargetHealth | undefined = st?.health !== undefined ? st.health.value : await q.health(key);
      return {
        id, kind, state: health?.disabledAt != null ? 'disabled' : 'enabled',
        breaker: st?.breaker ?? breakerState(await this.#breakers.load(key), now),
        failingSince: health?.failingSince ?? null, disabledAt: health?.disabledAt ?? null,
        inFlight: st?.inFlight ?? 0, deliveries: await q.counts(key),
      };
    };
    const out: TargetStatus[] = [];
    for (const t of ruleTargets(r)) {
      out.push(await status(t.id, t.kind));
      if (t.deadLetter !== undefined) out.push(await status(`${t.id}${DEAD_LETTER_SUFFIX}`, t.deadLetter.kind));
    }
    return out;
  }

  /** Re-enables a target (or a dead-letter target, `<id>#dead-letter`) disabled for failing too long; false if the rule has no such target. */
  async enable(key: TargetKey): Promise<boolean> {
    const r = this.#deps.rules.rule(key.bus, key.rule);
    if (r === undefined || targetSpecOf(r, key.target).type === 'gone') return false;
    const w = await this.#worker(key);
    if (w !== undefined) {
      await w.enable();
      return true;
    }
    await this.#deps.store.deliveries.setHealth(key, undefined);
    if ((await this.#breakers.reset(key)).change === 'closed') this.#tellBreaker(key);
    return true;
  }

  /** A rule put or deleted (a deleted bus announces its rules deleted): its workers are rebuilt or retired. */
  async #onCatalogChange(c: CatalogChange): Promise<void> {
    if (!this.#running || c.type !== 'rule') return;
    for (const [id, worker] of [...this.#workers]) {
      const k = worker.key;
      if (k.bus !== c.bus || k.rule !== c.name) continue;
      try {
        await this.#refresh(id, worker);
      } catch (err) {
        this.#logFailure(err, { target: k }, 'applying a rule change to a target failed');
      }
    }
  }

  async #onTick(): Promise<void> {
    if (!this.#running) return;
    for (const worker of this.#workers.values()) worker.wake();
    const tick = ++this.#ticks;
    if (tick % SCAN_EVERY_TICKS === 0) await this.#scan();
    if (tick % SWEEP_EVERY_TICKS === 0) {
      try {
        await this.#deps.store.deliveries.sweepDelivered(this.#deps.clock.now() - this.#deps.options.keepDeliveredMs, SWEEP_BATCH);
      } catch (err) {
        this.#logFailure(err, {}, 'sweeping delivered rows failed');
      }
    }
    const unkilled = [...this.#unkilled];
    this.#unkilled.clear();
    for (const [id, k] of unkilled) if (!this.#workers.has(id)) await this.#kill(k.key, k.reason);
  }

  /** Asks the queue which targets have work and wakes their workers (at start, then every few ticks). */
  async #scan(): Promise<void> {
    try {
      for (const k of await this.#deps.store.deliveries.activeTargets()) await this.#wake(k);
    } catch (err) {
      this.#logFailure(err, {}, 'looking for targets with work failed');
    }
  }

  #tellBreaker(key: TargetKey): void {
    try {
      (this.#deps.observer ?? noDeliveryObserver).onBreaker(key, { type: 'closed', consecutiveFailures: 0 });
    } catch (err) {
      this.#log('error', { err, target: key }, 'delivery observer failed');
    }
  }

  /** Wakes the worker of a key (made on first use). Never throws: runs from hints and timers. */
  async #wake(key: TargetKey): Promise<void> {
    if (!this.#running) return;
    try {
      (await this.#worker(key))?.wake();
    } catch (err) {
      this.#logFailure(err, { target: key }, 'starting a target worker failed');
    }
  }

  /** The worker of a key, made on first use; undefined (its work dead-lettered) when the target is gone. */
  async #worker(key: TargetKey): Promise<TargetWorker | undefined> {
    const id = keyId(key);
    const have = this.#workers.get(id);
    if (have !== undefined) return have;
    const making = this.#making.get(id);
    if (making !== undefined) return making;
    const p = this.#make(id, key).finally(() => this.#making.delete(id));
    this.#making.set(id, p);
    return p;
  }

  async #make(id: string, key: TargetKey): Promise<TargetWorker | undefined> {
    // A queue's deliveries wait for consumers to pull them (src/streams): no worker pushes them.
    if (this.#isQueue(key)) return undefined;
    const r = await this.#resolve(key);
    if (r.type === 'gone') {
      await this.#kill(key, r.reason);
      return undefined;
    }
    if (!this.#running) return undefined;
    const worker = new TargetWorker(key, r.spec, r.target, {
      queue: this.#deps.store.deliveries, writer: this.#writer, clock: this.#deps.clock, random: this.#deps.random ?? Math.random,
      leaseMs: this.#deps.options.leaseMs, pollIntervalMs: this.#deps.options.pollIntervalMs, disableAfterMs: this.#deps.options.disableAfterMs,
      log: (level, obj, msg) => this.#log(level, obj, msg), observer: this.#deps.observer ?? noDeliveryObserver,
      ...(this.#deps.store.rateLimits === undefined ? {} : { rateLimits: this.#deps.store.rateLimits }),
      breakers: this.#breakers,
    });
    this.#workers.set(id, worker);
    return worker;
  }

  /** True when the key's target is (still) a pull queue. */
  #isQueue(key: TargetKey): boolean {
    const rule = this.#deps.rules.rule(key.bus, key.rule);
    if (rule === undefined) return false;
    const found = targetSpecOf(rule, key.target);
    return found.type === 'found' && found.spec.kind === 'queue';
  }

  /** Rebuilds a worker's target from its rule as committed now; retires the worker when the target is gone. */
  async #refresh(id: string, worker: TargetWorker): Promise<void> {
    const key = worker.key;
    const r = await this.#resolve(key);
    if (this.#workers.get(id) !== worker) return;
    if (r.type === 'gone' || this.#isQueue(key)) {
      this.#workers.delete(id);
      // Its leased work (buffered or in flight) is given back or finished first; then whatever
      // is left is dead-lettered. A worker made meanwhile means the target is back (rule put
      // again): its work is not dead.
      await worker.stop(this.#deps.options.shutdownGraceMs);
      if (r.type === 'gone' && !this.#workers.has(id) && !this.#making.has(id)) await this.#kill(key, r.reason);
      return;
    }
    worker.update(r.spec, r.target);
  }

  async #resolve(key: TargetKey): Promise<
    | { type: 'ok'; spec: EngineTargetSpec; target: Target }
    | { type: 'gone'; reason: string }> {
    const rule = this.#deps.rules.rule(key.bus, key.rule);
    if (rule === undefined) return { type: 'gone', reason: `rule "${key.rule}" no longer exists` };
    const found = targetSpecOf(rule, key.target);
    if (found.type === 'gone') return found;
    try {
      const spec = resolveTargetSpec(found.spec, key.target, this.#defaults);
      return { type: 'ok', spec, target: this.#deps.createTarget(spec.raw) };
    } catch (err) {
      return { type: 'gone', reason: `target "${key.target}" cannot be built: ${(err as Error).message}` };
    }
  }

  /**
   * Nothing is dropped silently: work for a target that is gone becomes dead letters. Runs from
   * timers and hints, so it never throws: a failed write (disk full) is tried again on the next
   * tick.
   */
  async #kill(key: TargetKey, reason: string): Promise<void> {
    let n: number;
    try {
      n = await this.#deps.store.deliveries.killTarget(key, reason, this.#deps.clock.now());
    } catch (err) {
      this.#unkilled.set(keyId(key), { key, reason });
      this.#logFailure(err, { target: key }, 'dead-lettering the deliveries of a removed target failed; retrying');
      return;
    }
    if (n === 0) return;
    this.#log('warn', { target: key, deadLettered: n, reason }, 'deliveries dead-lettered');
    try {
      (this.#deps.observer ?? noDeliveryObserver).onDeadLetter(key, { count: n }, reason);
    } catch (err) {
      this.#log('error', { err, target: key }, 'delivery observer failed');
    }
  }

  #log(level: 'warn' | 'error', obj: object, msg: string): void {
    this.#deps.log?.[level](obj, msg);
  }

  /** Logs a failure, except the store's "cannot write" (disk full): the store logs that once, not at every attempt. */
  #logFailure(err: unknown, obj: object, msg: string): void {
    if (!isStoreUnavailable(err)) this.#log('error', { err, ...obj }, msg);
  }
}
