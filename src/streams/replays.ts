import { randomUUID } from 'node:crypto';
import { SwitchyardError, isSwitchyardError, type Clock, type Violation } from '../core/index.js';
import type { ReplayBound, ReplayDestination, ReplayRecord, ReplayState, RuleView, Store } from '../store/index.js';
import { ReplayPlan } from './replay-plan.js';
import type { ReplayRunner } from './replay-runner.js';

/** Replays running or paused at once, at most. */
export const MAX_ACTIVE_REPLAYS = 16;
export const MIN_REPLAY_RATE = 0.1;
export const MAX_REPLAY_RATE = 1_000_000;

/** A replay request as the API takes it (types checked by the route's schema; values here). */
export interface ReplayRequest {
  /** A bus sequence (integer) or an RFC 3339 time. */
  readonly from: number | string;
  /** Same; absent: up to the bus's last event now. A time is exclusive, a sequence inclusive. */
  readonly to?: number | string | undefined;
  readonly pattern?: unknown;
  readonly destination: { readonly bus?: string | undefined; readonly rule?: string | undefined; readonly target?: string | undefined };
  readonly ratePerSecond?: number | undefined;
}

/** A replay job as the API shows it. */
export interface ReplayView {
  readonly id: string;
  readonly bus: string;
  readonly kind: 'replay' | 'resend';
  readonly state: ReplayState;
  readonly fromSequence: number;
  readonly toSequence: number;
  readonly pattern?: unknown;
  readonly destination: ReplayDestination;
  readonly ratePerSecond?: number;
  readonly progress: {
    readonly processed: number;
    readonly total: number;
    readonly matched: number;
    readonly enqueued: number;
    /** The sequence the next step starts after. */
    readonly cursor: number;
    /** Events per second since the job last started running (measured). */
    readonly rate: number;
    /** Seconds left at that rate, while running; null otherwise. */
    readonly etaSeconds: number | null;
  };
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly error?: string;
}

export function replayView(r: ReplayRecord): ReplayView {
  const elapsed = r.runningSince === null ? 0 : (r.updatedAt - r.runningSince) / 1000;
  const rate = elapsed > 0 ? (r.processed - r.processedAtRun) / elapsed : 0;
  const left = Math.max(0, r.total - r.processed);
  return {
    id: r.id, bus: r.bus, kind: r.kind, state: r.state, fromSequence: r.fromSeq, toSequence: r.toSeq,
    ...(r.pattern === null ? {} : { pattern: r.pattern }),
    destination: r.destination,
    ...(r.ratePerSecond === null ? {} : { ratePerSecond: r.ratePerSecond }),
    progress: {
      processed: r.processed, total: r.total, matched: r.matched, enqueued: r.enqueued, cursor: r.cursor,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: r.state !== 'running' ? null : left === 0 ? 0 : rate > 0 ? Math.ceil(left / rate) : null,
    },
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    ...(r.finishedAt === null ? {} : { finishedAt: new Date(r.finishedAt).toISOString() }),
    ...(r.error === null ? {} : { error: r.error }),
  };
}

const ACTIVE: readonly ReplayState[] = ['running', 'paused'];

/**
 * Replays and resends (docs/replay.md): validates a request against the bus and its rules as
 * they are now, resolves its window (ReplayStore.range), stores the job and hands it to the
 * runner; pause, resume and cancel are state changes in the store the runner follows.
 */
export class ReplayService {
  readonly #store: Store;
  readonly #view: RuleView;
  readonly #runner: ReplayRunner;
  readonly #clock: Clock;

  constructor(deps: { store: Store; view: RuleView; runner: ReplayRunner; clock: Clock }) {
    this.#store = deps.store;
    this.#view = deps.view;
    this.#runner = deps.runner;
    this.#clock = deps.clock;
  }

  async start(bus: string, req: ReplayRequest): Promise<ReplayRecord> {
    const violations: Violation[] = [];
    const from = bound(req.from, '/from', violations);
    const to = req.to === undefined ? { sequence: Number.MAX_SAFE_INTEGER } : bound(req.to, '/to', violations);
    if (from !== undefined && to !== undefined && 'sequence' in from === 'sequence' in to) {
      const a = 'sequence' in from ? from.sequence : from.time;
      const b = 'sequence' in to ? to.sequence : (to as { time: number }).time;
      if (b < a) violations.push({ path: '/to', reason: 'comes before from' });
    }
    const rate = req.ratePerSecond;
    if (rate !== undefined && (!Number.isFinite(rate) || rate < MIN_REPLAY_RATE || rate > MAX_REPLAY_RATE)) {
      violations.push({ path: '/ratePerSecond', reason: `must be from ${MIN_REPLAY_RATE} to ${MAX_REPLAY_RATE}` });
    }
    const pattern = req.pattern ?? null;
    if (pattern !== null) {
      try {
        ReplayPlan.validatePattern(pattern);
      } catch (e) {
        if (!isSwitchyardError(e)) throw e;
        violations.push({ path: '/pattern', reason: e.message });
      }
    }
    await this.#requireBus(bus);
    const destination = this.#destination(bus, req.destination, violations);
    if (violations.length > 0 || from === undefined || to === undefined || destination === undefined) throw invalid(violations);
    await this.#requireRoom();
    const range = await this.#store.replays.range(bus, from, to);
    if (range === undefined) throw busNotFound(bus);
    const job = await this.#store.replays.create({
      id: randomUUID(), bus, fromSeq: range.fromSeq, toSeq: range.toSeq, total: range.total, pattern, destination,
      ratePerSecond: rate ?? null, kind: 'replay',
    }, this.#clock.now());
    this.#runner.start(job.id);
    return job;
  }

  /** Resends one stored event to a rule's targets (or one of them): a one-event replay. */
  async resend(bus: string, eventId: string, req: { source?: string | undefined; rule: string; target?: string | undefined }): Promise<ReplayRecord> {
    await this.#requireBus(bus);
    const violations: Violation[] = [];
    const destination = this.#destination(bus, { rule: req.rule, target: req.target }, violations);
    if (destination === undefined) throw invalid(violations);
    const ev = await this.#store.events.get(bus, eventId, req.source);
    if (ev === undefined) throw new SwitchyardError('SWY_STORE_EVENT_NOT_FOUND', `no event "${eventId}" on bus "${bus}"`);
    await this.#requireRoom();
    const job = await this.#store.replays.create({
      id: randomUUID(), bus, fromSeq: ev.sequence, toSeq: ev.sequence, total: 1, pattern: null, destination, ratePerSecond: null, kind: 'resend',
    }, this.#clock.now());
    this.#runner.start(job.id);
    return job;
  }

  async get(id: string): Promise<ReplayRecord> {
    const r = await this.#store.replays.get(id);
    if (r === undefined) throw notFound(id);
    return r;
  }

  async list(q: { bus?: string | undefined; state?: ReplayState | undefined; limit: number }): Promise<ReplayRecord[]> {
    return this.#store.replays.list(q);
  }

  async pause(id: string): Promise<ReplayRecord> {
    return this.#move(id, ['running'], 'paused');
  }

  async resume(id: string): Promise<ReplayRecord> {
    const r = await this.#move(id, ['paused'], 'running');
    this.#runner.start(id);
    return r;
  }

  async cancel(id: string): Promise<ReplayRecord> {
    return this.#move(id, ACTIVE, 'cancelled');
  }

  async #move(id: string, from: readonly ReplayState[], to: ReplayState): Promise<ReplayRecord> {
    const r = await this.#store.replays.transition(id, from, to, this.#clock.now());
    if (r === undefined) throw notFound(id);
    if (!r.changed) throw new SwitchyardError('SWY_REPLAY_STATE', `replay "${id}" is ${r.replay.state}: it cannot become ${to}`);
    return r.replay;
  }

  #destination(bus: string, d: ReplayRequest['destination'], violations: Violation[]): ReplayDestination | undefined {
    const hasBus = d.bus !== undefined;
    const hasRule = d.rule !== undefined;
    if (hasBus === hasRule || (hasBus && d.target !== undefined)) {
      violations.push({ path: '/destination', reason: 'must be { "bus" }, { "rule" } or { "rule", "target" }' });
      return undefined;
    }
    if (hasBus) {
      if (d.bus !== bus) {
        violations.push({ path: '/destination/bus', reason: `a replay goes to the rules of its own bus ("${bus}"); to move events to another bus, replay to a rule with a bus target` });
        return undefined;
      }
      return { bus };
    }
    const destination: ReplayDestination = d.target === undefined ? { rule: d.rule! } : { rule: d.rule!, target: d.target };
    try {
      new ReplayPlan({ id: 'check', bus, pattern: null, destination }, this.#view);
    } catch (e) {
      if (!isSwitchyardError(e)) throw e;
      violations.push(...e.violations);
      return undefined;
    }
    return destination;
  }

  async #requireBus(bus: string): Promise<void> {
    if (await this.#store.catalog.buses.get(bus) === undefined) throw busNotFound(bus);
  }

  async #requireRoom(): Promise<void> {
    const active = [
      ...await this.#store.replays.list({ state: 'running', limit: MAX_ACTIVE_REPLAYS }),
      ...await this.#store.replays.list({ state: 'paused', limit: MAX_ACTIVE_REPLAYS }),
    ];
    if (active.length >= MAX_ACTIVE_REPLAYS) {
      throw new SwitchyardError('SWY_REPLAY_TOO_MANY', `${active.length} replays are running or paused; at most ${MAX_ACTIVE_REPLAYS} may be`);
    }
  }
}

/** A window bound: an integer ≥ 0 is a sequence, a string an RFC 3339 time. */
function bound(v: unknown, path: string, violations: Violation[]): ReplayBound | undefined {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) return { sequence: v };
    violations.push({ path, reason: 'a sequence must be an integer from 0' });
    return undefined;
  }
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.exec(v) : null;
  if (m !== null) {
    // Date.parse rolls an impossible day over (02-30 → 03-02): the calendar date must exist.
    const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    const t = Date.parse(v as string);
    if (Number.isFinite(t) && day.getUTCDate() === Number(m[3]) && day.getUTCMonth() === Number(m[2]) - 1) return { time: t };
  }
  violations.push({ path, reason: 'must be a sequence (integer) or an RFC 3339 time' });
  return undefined;
}

function invalid(violations: readonly Violation[]): SwitchyardError {
  return new SwitchyardError('SWY_REPLAY_INVALID', `invalid replay: ${violations.map((v) => `${v.path} ${v.reason}`).join('; ')}`, { violations });
}

function notFound(id: string): SwitchyardError {
  return new SwitchyardError('SWY_REPLAY_NOT_FOUND', `no replay "${id}"`);
}

function busNotFound(bus: string): SwitchyardError {
  return new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
}
