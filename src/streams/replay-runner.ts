import { setTimeout as sleep } from 'node:timers/promises';
import { isSwitchyardError, type Clock } from '../core/index.js';
import type { ReplayRecord, RuleView, Store } from '../store/index.js';
import { ReplayPlan } from './replay-plan.js';

export interface ReplayRunnerLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ReplayRunnerOptions {
  readonly store: Store;
  readonly view: RuleView;
  readonly clock: Clock;
  readonly log: ReplayRunnerLog;
  /** Events read and committed per step (default 1000). */
  readonly batchSize?: number;
}

/** Steps per second a rate-limited job is split into (each step is rate / this many events). */
const STEPS_PER_SECOND = 4;

/**
 * Runs replay jobs: one loop per running job, each step reads a page of the window (log and
 * archives), plans its deliveries and commits them with the cursor (ReplayStore.advance). The
 * job's state lives in the store, so the loop simply stops when a step is refused (paused,
 * cancelled) and `start` runs it again on resume or after a restart (`resumeAll`).
 *
 * Concurrency: at most one loop per job in this process (`#loops`); a `start` while its loop is
 * ending is remembered (`#again`) and the loop runs once more, so a quick pause and resume is
 * never lost.
 */
export class ReplayRunner {
  readonly #o: ReplayRunnerOptions;
  readonly #batch: number;
  readonly #loops = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #abort = new AbortController();
  /** Bumped by every catalog change: plans are rebuilt from the rules as they are now. */
  #generation = 0;
  readonly #unwatch: () => void;

  constructor(o: ReplayRunnerOptions) {
    this.#o = o;
    this.#batch = Math.max(1, o.batchSize ?? 1000);
    this.#unwatch = o.view.watch(() => {
      this.#generation++;
    });
  }

  /** Runs every job left running (after a restart): each resumes after its cursor. */
  async resumeAll(): Promise<void> {
    for (const job of await this.#o.store.replays.list({ state: 'running', limit: 10_000 })) this.start(job.id);
  }

  /** Runs the job's loop unless it runs already. */
  start(id: string): void {
    if (this.#abort.signal.aborted) return;
    if (this.#loops.has(id)) {
      this.#again.add(id);
      return;
    }
    const loop = this.#run(id).catch((err: unknown) => this.#o.log.error({ err, replay: id }, 'replay loop failed')).finally(() => {
      this.#loops.delete(id);
      if (this.#again.delete(id)) this.start(id);
    });
    this.#loops.set(id, loop);
  }

  /** Resolves once no loop is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#loops.size > 0) await Promise.all([...this.#loops.values()]);
  }

  /** Stops every loop after its current step; jobs stay `running` in the store and resume at the next start. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#unwatch();
    await Promise.all([...this.#loops.values()]);
  }

  async #run(id: string): Promise<void> {
    const { store, clock } = this.#o;
    let plan: ReplayPlan | undefined;
    let planGeneration = -1;
    while (!this.#abort.signal.aborted) {
      const job = await store.replays.get(id);
      if (job?.state !== 'running') return;
      if (plan === undefined || planGeneration !== this.#generation) {
        planGeneration = this.#generation;
        try {
          plan = new ReplayPlan(job, this.#o.view);
        } catch (err) {
          if (!isSwitchyardError(err)) throw err;
          await store.replays.transition(id, ['running'], 'failed', clock.now(), err.message);
          return;
        }
      }
      const limit = this.#limit(job);
      const started = performance.now();
      const events = await store.replays.read(job.bus, job.cursor, job.toSeq, limit);
      const step = plan.step(events);
      const last = events[step.consumed - 1];
      const done = step.consumed === events.length && (events.length < limit || last === undefined || last.sequence >= job.toSeq);
      const ok = await store.replays.advance(id, {
        cursor: last?.sequence ?? job.toSeq, processed: step.consumed, matched: step.matched, deliveries: step.deliveries, done,
      }, clock.now());
      if (!ok || done) return;
      const wait = job.ratePerSecond === null ? 0 : (step.consumed * 1000) / job.ratePerSecond - (performance.now() - started);
      try {
        // Without a rate, a zero wait still yields to the event loop between steps.
        await sleep(Math.max(0, wait), undefined, { signal: this.#abort.signal });
      } catch {
        return;
      }
    }
  }

  #limit(job: ReplayRecord): number {
    if (job.ratePerSecond === null) return this.#batch;
    return Math.max(1, Math.min(this.#batch, Math.floor(job.ratePerSecond / STEPS_PER_SECOND)));
  }
}
