import { SwitchyardError, type Clock, type ErrorCode, type Service } from '../../core/index.js';
import type { CloudEvent } from '../../events/index.js';
import type { CatalogChange, CatalogWatch, ScheduleCatalog, ScheduleRecord } from '../../store/index.js';
import { decideFires, nextDue, type FireDecision } from './catch-up.js';
import { fireEvent } from './fire-event.js';
import type { FireWindow } from './fire-times.js';
import { scheduleWindow } from './schedule-spec.js';

/** The put origin of scheduled events (ingest's `schedule` origin: recorded with the event for its trace). */
export interface ScheduleOrigin {
  readonly kind: 'schedule';
  readonly schedule: string;
}

/** What became of one fire's event (ingest's put outcome, narrowed to what the scheduler reads). */
export type FireOutcome =
  | { readonly type: 'stored' | 'duplicate' | 'withheld' }
  | { readonly type: 'refused'; readonly code: ErrorCode; readonly message: string };

/**
 * The scheduler's port to the put path, owned here and wired by the server to
 * `IngestService.put`. Resolves after the events are committed (or refused); throws when the
 * put failed as a whole (the store unavailable, the bus missing).
 */
export type FirePut = (bus: string, events: readonly CloudEvent[], origin: ScheduleOrigin) => Promise<readonly FireOutcome[]>;

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerDeps {
  readonly catalog: CatalogWatch & { readonly schedules: ScheduleCatalog };
  readonly put: FirePut;
  readonly clock: Clock;
  readonly log: SchedulerLog;
  /** How late a fire may be put and still count as on time (scheduler.misfireGraceMs). */
  readonly graceMs: number;
  /** Arm a timer for the next due fire (default true); tests drive {@link Scheduler.runDue} themselves. */
  readonly timers?: boolean;
}

/** What this node's scheduler knows of one schedule (GET shows it as the schedule's `status`). */
export interface ScheduleStatus {
  readonly lastFireAt: number | null;
  readonly lastError: string | null;
  readonly fired: number;
  readonly skipped: number;
}

interface Entry {
  record: ScheduleRecord;
  window: FireWindow | undefined;
  due: number | null;
  status: ScheduleStatus;
  /** The wait before the next try after a failed pass (doubles up to RETRY_MAX_MS). */
  retryMs: number;
}

/** Events per put: a catch-up of many fires is put in batches of this many. */
const PUT_BATCH = 100;
/** Longest timer: the clock is re-read at least this often (and setTimeout's 2^31 ms limit never met). */
const MAX_SLEEP_MS = 60_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Puts each schedule's fires on its bus (docs/scheduler.md). Invariant: a schedule's cursor
 * moves past a fire only after that fire's event is committed (or refused, or skipped by the
 * catch-up policy), and every fire's event id is derived from (schedule, fire time), so a crash
 * between the commit and the cursor move, a restart or a second node puts the fire again and
 * the store's (source, id) dedupe keeps one. Passes run one at a time; catalog changes are
 * applied between passes, in feed order.
 */
export class Scheduler implements Service {
  readonly name = 'scheduler';
  readonly #d: SchedulerDeps;
  readonly #entries = new Map<string, Entry>();
  #chain: Promise<void> = Promise.resolve();
  #unwatch: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: SchedulerDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    // Subscribed before the list is read: a change in between is applied after the list.
    this.#unwatch = this.#d.catalog.watch((c) => this.#onChange(c));
    const all = await this.#d.catalog.schedules.list();
    await this.#serial(async () => {
      for (const r of all) this.#set(r);
    });
    await this.runDue();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unwatch?.();
    this.#unwatch = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#chain;
  }

  /** This node's view of a schedule: its last fire and last error; undefined when not loaded. */
  status(name: string): ScheduleStatus | undefined {
    return this.#entries.get(name)?.status;
  }

  /** Puts every fire due at the clock's now; resolves when done. Runs after any pass in progress. */
  runDue(): Promise<void> {
    return this.#serial(async () => {
      const now = this.#d.clock.now();
      for (const e of [...this.#entries.values()]) {
        if (this.#stopped) return;
        if (e.due !== null && e.due <= now) await this.#pass(e, now);
      }
    });
  }

  async #pass(e: Entry, now: number): Promise<void> {
    const r = e.record;
    if (e.window === undefined) return;
    const d = decideFires(r, e.window, now, this.#d.graceMs);
    try {
      await this.#putFires(r, d);
      if (d.cursor > r.cursor) await this.#d.catalog.schedules.advance(r.name, d.cursor);
    } catch (err) {
      // Not known to be committed: the cursor stays and the pass is tried again after a backoff
      // (fires already committed come back as duplicates).
      e.status = { ...e.status, lastError: (err as Error).message };
      e.due = now + e.retryMs;
      e.retryMs = Math.min(RETRY_MAX_MS, e.retryMs * 2);
      this.#d.log.error({ err, schedule: r.name }, 'a schedule could not put its fires; retrying');
      return;
    }
    e.retryMs = RETRY_MIN_MS;
    if (d.skipped > 0) this.#d.log.warn({ schedule: r.name, skipped: d.skipped, more: d.moreSkipped, catchUp: r.catchUp }, 'missed fires skipped by the catch-up policy');
    if (d.cursor > r.cursor) e.record = { ...r, cursor: d.cursor };
    e.status = {
      ...e.status,
      fired: e.status.fired + d.put.length, skipped: e.status.skipped + d.skipped,
      lastFireAt: d.put.length > 0 ? d.put[d.put.length - 1]! : e.status.lastFireAt,
    };
    e.due = nextDue(e.record, e.window);
  }

  async #putFires(r: ScheduleRecord, d: FireDecision): Promise<void> {
    for (let i = 0; i < d.put.length; i += PUT_BATCH) {
      const events = d.put.slice(i, i + PUT_BATCH).map((t) => fireEvent(r.name, r.event, t));
      const outcomes = await this.#d.put(r.bus, events, { kind: 'schedule', schedule: r.name });
      for (const o of outcomes) {
        // A missing bus may come back: the fire is not dealt with, the pass is retried (and the
        // catch-up policy decides once the fire is late).
        if (o.type === 'refused' && o.code === 'SWY_STORE_BUS_NOT_FOUND') throw new SwitchyardError(o.code, o.message);
        // Another refusal (a schema in enforce mode, a limit) would be refused again: it is
        // logged and kept as the last error, and the fire is dealt with.
        if (o.type === 'refused') {
          this.#d.log.warn({ schedule: r.name, code: o.code }, `a scheduled event was refused: ${o.message}`);
          const entry = this.#entries.get(r.name);
          if (entry !== undefined) entry.status = { ...entry.status, lastError: `${o.code}: ${o.message}` };
        }
      }
    }
  }

  #onChange(c: CatalogChange): void {
    if (c.type !== 'schedule') return;
    void this.#serial(async () => {
      const r = c.op === 'delete' ? undefined : await this.#d.catalog.schedules.get(c.name);
      if (r === undefined) this.#entries.delete(c.name);
      else this.#set(r);
    });
  }

  #set(r: ScheduleRecord): void {
    const window = scheduleWindow(r);
    if (window === undefined) this.#d.log.error({ schedule: r.name }, 'a stored schedule has an expression this server cannot read; it does not fire');
    const old = this.#entries.get(r.name);
    const due = r.state === 'enabled' && window !== undefined ? nextDue(r, window) : null;
    this.#entries.set(r.name, { record: r, window, due, status: old?.status ?? { lastFireAt: null, lastError: null, fired: 0, skipped: 0 }, retryMs: RETRY_MIN_MS });
  }

  /** Runs `work` after everything queued before it, then re-arms the timer. Never rejects: a failure is logged. */
  #serial(work: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(work).catch((err: unknown) => this.#d.log.error({ err }, 'scheduler pass failed')).finally(() => this.#arm());
    return this.#chain;
  }

  #arm(): void {
    if (this.#d.timers === false || this.#stopped) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    let next = Infinity;
    for (const e of this.#entries.values()) if (e.due !== null && e.due < next) next = e.due;
    if (next === Infinity) return;
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, next - this.#d.clock.now()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.runDue();
    }, delay);
    this.#timer.unref();
  }
}
