import type { Clock, Service } from '../../core/index.js';
import { isStoreUnavailable, type CatalogChange, type RuleView, type Store, type TargetCounts, type TargetHealth, type TargetKey } from '../../store/index.js';
import type { Target } from '../target.js';
import type { BreakerState } from './circuit-breaker.js';
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

/**
 * The delivery service: one {@link TargetWorker} per target with work. Woken by the queue
 * after each commit that enqueued deliveries (so light-load latency is one event-loop turn),
 * and by a tick every `pollIntervalMs` that finds retries falling due and sweeps old delivered
 * rows. Rule changes reach it through the catalog's change feed (via the rule view, `deps.rules`), whoever made
 * them: a changed target is rebuilt, a removed one has its work dead-lettered. On start every
 * lease left by a previous process is released: only this process writes the store (the data
 * directory's lock), so such leases belong to a process that died.
 */
export class Dispatcher implements Service {
  readonly name = 'dispatcher';
  readonly #deps: DispatcherDeps;
  readonly #defaults: EngineDefaults;
  readonly #writer: CompletionWriter;
  readonly #workers = new Map<string, TargetWorker>();
  /** Targets gone whose dead-lettering failed (a full disk): tried again each tick. */
  readonly #unkilled = new Map<string, { key: TargetKey; reason: string }>();
  #tick: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;
  #ticks = 0;
  #running = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const o = deps.options;
    this.#defaults = {
      concurrency: o.defaultConcurrency, breakerFailureThreshold: o.breakerFailureThreshold, breakerOpenMs: o.breakerOpenMs,
      ...(o.maxTransformOutputBytes === undefined ? {} : { maxTransformOutputBytes: o.maxTransformOutputBytes }),
    };
    this.#writer = new CompletionWriter(deps.store.deliveries, deps.clock, (err) => this.#logFailure(err, {}, 'writing delivery outcomes failed'));
  }

  async start(): Promise<void> {
    const q = this.#deps.store.deliveries;
    this.#running = true;
    try {
      const released = q.releaseLeases(this.#deps.clock.now());
      if (released > 0) this.#log('warn', { released }, 'deliveries leased by a previous process are due again');
    } catch (err) {
      // On a full disk the server still starts: those leases fall due when they expire instead.
      this.#logFailure(err, {}, 'releasing the leases of a previous process failed; they fall due when they expire');
    }
    q.onEnqueue((keys) => {
      if (!this.#running) return;
      for (const k of keys) {
        try {
          this.#worker(k)?.wake();
        } catch (err) {
          this.#logFailure(err, { target: k }, 'starting a target worker failed');
        }
      }
    });
    this.#unwatch = this.#deps.rules.watch((c) => this.#onCatalogChange(c));
    for (const k of q.activeTargets()) this.#worker(k)?.wake();
    this.#tick = setInterval(() => this.#onTick(), this.#deps.options.pollIntervalMs);
    this.#tick.unref();
  }

  /** Stops leasing; lets sends in flight finish (up to the grace), writes their outcomes. */
  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#tick);
    this.#unwatch?.();
    this.#unwatch = undefined;
    const workers = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(workers.map((w) => w.stop(this.#deps.options.shutdownGraceMs)));
    this.#writer.flush();
  }

  /**
   * The state of each target of a rule (circuit breaker, health, queue counts), each followed by
   * its dead-letter target (id `<id>#dead-letter`) when it has one.
   */
  targets(bus: string, rule: string): TargetStatus[] | undefined {
    const r = this.#deps.rules.rule(bus, rule);
    if (r === undefined) return undefined;
    const now = this.#deps.clock.now();
    const status = (id: string, kind: string): TargetStatus => {
      const key = { bus, rule, target: id };
      const st = this.#workers.get(keyId(key))?.status(now);
      const health: TargetHealth | undefined = st !== undefined ? st.health : this.#deps.store.deliveries.health(key);
      return {
        id, kind, state: health?.disabledAt != null ? 'disabled' : 'enabled',
        breaker: st?.breaker ?? { type: 'closed', consecutiveFailures: 0 },
        failingSince: health?.failingSince ?? null, disabledAt: health?.disabledAt ?? null,
        inFlight: st?.inFlight ?? 0, deliveries: this.#deps.store.deliveries.counts(key),
      };
    };
    return ruleTargets(r).flatMap((t) => {
      const own = status(t.id, t.kind);
      return t.deadLetter === undefined ? [own] : [own, status(`${t.id}${DEAD_LETTER_SUFFIX}`, t.deadLetter.kind)];
    });
  }

  /** Re-enables a target (or a dead-letter target, `<id>#dead-letter`) disabled for failing too long; false if the rule has no such target. */
  enable(key: TargetKey): boolean {
    const r = this.#deps.rules.rule(key.bus, key.rule);
    if (r === undefined || targetSpecOf(r, key.target).type === 'gone') return false;
    const w = this.#worker(key);
    if (w !== undefined) w.enable();
    else this.#deps.store.deliveries.setHealth(key, undefined);
    return true;
  }

  /** A rule put or deleted (a deleted bus announces its rules deleted): its workers are rebuilt or retired. */
  #onCatalogChange(c: CatalogChange): void {
    if (!this.#running || c.type !== 'rule') return;
    for (const [id, worker] of this.#workers) {
      const k = worker.key;
      if (k.bus !== c.bus || k.rule !== c.name) continue;
      try {
        this.#refresh(id, worker);
      } catch (err) {
        this.#logFailure(err, { target: k }, 'applying a rule change to a target failed');
      }
    }
  }

  #onTick(): void {
    if (!this.#running) return;
    for (const worker of this.#workers.values()) worker.wake();
    if (++this.#ticks % SWEEP_EVERY_TICKS === 0) {
      try {
        this.#deps.store.deliveries.sweepDelivered(this.#deps.clock.now() - this.#deps.options.keepDeliveredMs, SWEEP_BATCH);
      } catch (err) {
        this.#logFailure(err, {}, 'sweeping delivered rows failed');
      }
    }
    const unkilled = [...this.#unkilled];
    this.#unkilled.clear();
    for (const [id, k] of unkilled) if (!this.#workers.has(id)) this.#kill(k.key, k.reason);
  }

  /** The worker of a key, created on first use; undefined (its work dead-lettered) when the target is gone. */
  #worker(key: TargetKey): TargetWorker | undefined {
    const id = keyId(key);
    const have = this.#workers.get(id);
    if (have !== undefined) return have;
    const r = this.#resolve(key);
    if (r.type === 'gone') {
      this.#kill(key, r.reason);
      return undefined;
    }
    const worker = new TargetWorker(key, r.spec, r.target, {
      queue: this.#deps.store.deliveries, writer: this.#writer, clock: this.#deps.clock, random: this.#deps.random ?? Math.random,
      leaseMs: this.#deps.options.leaseMs, pollIntervalMs: this.#deps.options.pollIntervalMs, disableAfterMs: this.#deps.options.disableAfterMs,
      log: (level, obj, msg) => this.#log(level, obj, msg), observer: this.#deps.observer ?? noDeliveryObserver,
    });
    this.#workers.set(id, worker);
    return worker;
  }

  /** Rebuilds a worker's target from its rule as committed now; retires the worker when the target is gone. */
  #refresh(id: string, worker: TargetWorker): void {
    const key = worker.key;
    const r = this.#resolve(key);
    if (r.type === 'gone') {
      this.#workers.delete(id);
      // A worker made meanwhile means the target is back (rule put again): its work is not dead.
      void worker.stop(this.#deps.options.shutdownGraceMs).then(() => {
        if (!this.#workers.has(id)) this.#kill(key, r.reason);
      });
      return;
    }
    worker.update(r.spec, r.target);
  }

  #resolve(key: TargetKey):
    | { type: 'ok'; spec: EngineTargetSpec; target: Target }
    | { type: 'gone'; reason: string } {
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
   * timers and the commit path, so it never throws: a failed write (disk full) is tried again on
   * the next tick.
   */
  #kill(key: TargetKey, reason: string): void {
    let n: number;
    try {
      n = this.#deps.store.deliveries.killTarget(key, reason, this.#deps.clock.now());
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
