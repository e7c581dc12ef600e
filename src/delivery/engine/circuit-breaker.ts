import { CLEAN_BREAKER, type BreakerBoard, type BreakerRecord, type BreakerSettings, type BreakerWrite, type TargetKey } from '../../store/index.js';

/** A breaker's state, as the API shows it. */
export type BreakerState =
  | { readonly type: 'closed'; readonly consecutiveFailures: number }
  | { readonly type: 'open'; readonly until: number }
  | { readonly type: 'half-open' };

/** The state a board's record stands for at `now`. */
export function breakerState(r: BreakerRecord, now: number): BreakerState {
  if (r.openUntil === null) return { type: 'closed', consecutiveFailures: r.failures };
  return now < r.openUntil ? { type: 'open', until: r.openUntil } : { type: 'half-open' };
}

export interface BreakerHooks {
  /** This process made a transition: told once per transition across every process sharing the board. */
  readonly changed: (state: BreakerState) => void;
  /**
   * The state as this process knows it changed, whoever changed it (a gauge per process follows
   * it): closed, open, or half-open once a probe is claimed. Optional.
   */
  readonly seen?: (state: BreakerState) => void;
  /** The record changed in a way that may let sends go (closed, a probe granted, a probe's holder done). */
  readonly wake: () => void;
  /** A write to the board failed (a shared board's database down): the view stays, the next outcome writes again. */
  readonly failed: (err: unknown) => void;
}

/**
 * One target's circuit breaker as its worker reads it: a synchronous view of the target's record
 * on a {@link BreakerBoard}, written through on each outcome. `failureThreshold` consecutive
 * failures (on any process sharing the board) open it for `openMs`; then it is half-open and one
 * probe goes: the process that claims it on the board sends it (holding it at most `probeMs`,
 * after which the claim lapses and another may try); success closes it, failure opens it again.
 * Deliveries not sent while it is open stay in the queue (nothing is lost).
 *
 * The hot path costs nothing: a success on a clean breaker writes nothing; the view changes from
 * the board's answers and from `apply` (the board's watch: other processes' writes).
 */
export class CircuitBreaker {
  readonly #board: BreakerBoard;
  readonly #key: TargetKey;
  readonly #hooks: BreakerHooks;
  #settings: BreakerSettings;
  #probeMs: number;
  #record: BreakerRecord = CLEAN_BREAKER;
  #loaded = false;
  /** This process holds the half-open probe until then and has not sent it yet. */
  #claimedUntil = 0;
  /** This process's probe is in flight until then (its outcome ends it sooner). */
  #probingUntil = 0;
  #claiming = false;

  constructor(board: BreakerBoard, key: TargetKey, settings: BreakerSettings, probeMs: number, hooks: BreakerHooks) {
    this.#board = board;
    this.#key = key;
    this.#settings = settings;
    this.#probeMs = probeMs;
    this.#hooks = hooks;
  }

  /** Applies changed settings (a rule update); the current state is kept. */
  configure(settings: BreakerSettings, probeMs: number): void {
    this.#settings = settings;
    this.#probeMs = probeMs;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Reads the record from the board (before the first send, and now and then as a safety net for missed notices). */
  async load(): Promise<void> {
    this.apply(await this.#board.load(this.#key));
    this.#loaded = true;
  }

  /** A record from the board (a write's answer, or another process's change); older versions are ignored. */
  apply(record: BreakerRecord): void {
    if (record.version <= this.#record.version) return;
    const was = this.#record;
    this.#record = record;
    if (record.openUntil === was.openUntil && record.probeUntil === was.probeUntil) return;
    this.#hooks.wake();
    const kind = (r: BreakerRecord): string => (r.openUntil === null ? 'closed' : r.probeUntil === null ? 'open' : 'half-open');
    if (this.#hooks.seen === undefined || (kind(was) === kind(record) && was.openUntil === record.openUntil)) return;
    const state: BreakerState = record.openUntil === null ? { type: 'closed', consecutiveFailures: record.failures }
      : record.probeUntil === null ? { type: 'open', until: record.openUntil } : { type: 'half-open' };
    this.#hooks.seen(state);
  }

  state(now: number): BreakerState {
    return breakerState(this.#record, now);
  }

  /** When an open breaker turns half-open, if it is open. */
  openUntil(now: number): number | undefined {
    const until = this.#record.openUntil;
    return until !== null && now < until ? until : undefined;
  }

  /**
   * How many sends may start now besides `inFlight` ones (Infinity when closed). Half-open: 1
   * once this process holds the probe; asking starts the claim (its answer wakes the worker).
   */
  allowance(now: number, inFlight: number): number {
    const s = this.state(now);
    if (s.type === 'closed') return Infinity;
    if (s.type === 'open' || inFlight > 0 || this.#probingUntil > now) return 0;
    if (this.#claimedUntil > now) return 1;
    this.#claim(now);
    return 0;
  }

  /** Marks the start of the half-open probe (after `allowance` granted it). */
  probe(now: number): void {
    this.#claimedUntil = 0;
    this.#probingUntil = now + this.#probeMs;
  }

  success(now: number): void {
    this.#probingUntil = 0;
    const r = this.#record;
    if (r.failures === 0 && r.openUntil === null && r.probeUntil === null) return;
    this.#write(this.#board.success(this.#key, now));
  }

  failure(now: number): void {
    this.#probingUntil = 0;
    this.#write(this.#board.failure(this.#key, this.#settings, now));
  }

  /** Closes it (the target was re-enabled); resolves once the board has it. */
  async reset(): Promise<void> {
    this.#claimedUntil = 0;
    this.#probingUntil = 0;
    this.#told(await this.#board.reset(this.#key));
  }

  #claim(now: number): void {
    if (this.#claiming) return;
    const held = this.#record.probeUntil;
    // Another process holds the probe: its outcome (or the claim lapsing) is awaited.
    if (held !== null && held > now) return;
    this.#claiming = true;
    this.#board.claimProbe(this.#key, now, now + this.#probeMs).then((w) => {
      this.#claiming = false;
      if (w.change === 'probing') this.#claimedUntil = now + this.#probeMs;
      this.#told(w);
      this.#hooks.wake();
    }, (err: unknown) => {
      this.#claiming = false;
      this.#hooks.failed(err);
    });
  }

  #write(p: Promise<BreakerWrite>): void {
    p.then((w) => this.#told(w), (err: unknown) => this.#hooks.failed(err));
  }

  #told(w: BreakerWrite): void {
    this.apply(w.record);
    const r = w.record;
    if (w.change === 'opened' && r.openUntil !== null) this.#hooks.changed({ type: 'open', until: r.openUntil });
    else if (w.change === 'closed') this.#hooks.changed({ type: 'closed', consecutiveFailures: 0 });
    else if (w.change === 'probing') this.#hooks.changed({ type: 'half-open' });
  }
}
