import { setMaxListeners } from 'node:events';
import type { Clock, JsonValue } from '../../core/index.js';
import {
  isStoreUnavailable, LocalBreakerBoard, type AttemptRecord, type BreakerBoard, type BreakerRecord, type Completion, type DeliveryQueue, type LeasedDelivery, type RateLimits,
  type TargetHealth, type TargetKey,
} from '../../store/index.js';
import type { OutboundMessage, SendOutcome, Target } from '../target.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import type { CompletionWriter } from './completion-writer.js';
import { noDeliveryObserver, type DeliveryObserver, type DeliveryTraceContext, type ObservedDelivery } from './delivery-observer.js';
import { parseStoredEvent, serializeEvent } from '../../events/index.js';
import { renderPayload } from './render-payload.js';
import { decideRetry, shouldRetry } from './retry-policy.js';
import { DEAD_LETTER_SUFFIX, type EngineTargetSpec } from './target-spec.js';
import { withFailureExtensions } from './failure-extensions.js';
import { TokenBucket, type RateGate } from './token-bucket.js';
import { SharedRateGate } from './shared-rate-gate.js';
import { DEFAULT_ENRICH_TIMEOUT_MS } from '../targets/index.js';

export interface WorkerDeps {
  readonly queue: DeliveryQueue;
  readonly writer: CompletionWriter;
  readonly clock: Clock;
  readonly random: () => number;
  /** How long a lease hides a delivery; must exceed timeoutMs + batch window. */
  readonly leaseMs: number;
  /** Longest sleep while idle: retries that fall due are found within this. */
  readonly pollIntervalMs: number;
  /** A target failing without a success this long is disabled. */
  readonly disableAfterMs: number;
  readonly log: (level: 'warn' | 'error', obj: object, msg: string) => void;
  /** Told of attempts, outcomes, breaker changes (metrics, spans, system events); none by default. */
  readonly observer?: DeliveryObserver;
  /** Rate limits shared with other processes (a cluster); absent: an in-process token bucket per worker. */
  readonly rateLimits?: RateLimits;
  /** Circuit breakers (shared with other processes in a cluster); absent: an in-process board of the worker's own. */
  readonly breakers?: BreakerBoard;
}

/** Why deliveries to a disabled target are dead-lettered. */
const DISABLED_REASON = 'target disabled after failing continuously; re-enable it and redrive';
const MAX_EXCERPT = 1024;
/** Extra time granted to a target past its own timeout before its send is aborted. */
const ABORT_GRACE_MS = 1000;
/** How often a worker looks for sends past their deadline (only while it has sends in flight). */
const DEADLINE_CHECK_MS = 500;
/**
 * Most deliveries a worker holds leased at once (held for a batch, sending, or awaiting their
 * write), unless its concurrency or two batches need more: each one carries its event in
 * memory, and 32 batches of 100 for each of 10 targets took the server past 500 MiB.
 */
const MAX_OUTSTANDING = 1024;
/** Fewest deliveries leased ahead (a target with concurrency 1 still saves a lease call per send). */
const LEASE_AHEAD_MIN = 8;

/** Renders the event as stored (no transformer): what an enrichment step is sent. */
const AS_STORED = { transform: undefined, sendAs: 'data' } as const;

/** The event's stored text with `data` replaced by an enrichment's answer (JSON). */
function withData(body: string, data: JsonValue): string {
  const ev = parseStoredEvent(body);
  return serializeEvent({ ...ev, datacontenttype: 'application/json', data: { kind: 'json', value: data, text: JSON.stringify(data) } });
}

function attemptOf(startedAt: number, outcome: SendOutcome): AttemptRecord {
  return {
    at: startedAt, durationMs: outcome.durationMs, ok: outcome.type === 'delivered', status: outcome.status ?? null,
    errorClass: outcome.type === 'failed' ? outcome.errorClass : null, message: outcome.type === 'failed' ? outcome.message : outcome.note ?? null,
    response: outcome.response === undefined ? null : outcome.response.slice(0, MAX_EXCERPT),
  };
}

const observed = (d: LeasedDelivery, trace?: DeliveryTraceContext): ObservedDelivery => ({ id: d.id, eventId: d.eventId, sequence: d.seq, receivedAt: d.receivedAt, trace });

/**
 * Delivers one target's queue. It leases due deliveries ahead into a small local buffer (one
 * lease call per half a buffer, not one per send), sends them as free send slots allow
 * (concurrency, circuit breaker, rate limit; in batches for a batching target), and writes each
 * outcome naming its lease. All delivery state is in the queue; this object only holds what it
 * leased, so losing it (a crash) loses nothing: the leases end and the deliveries are sent again.
 * A buffered delivery whose lease could end before its send would is given back unsent; an open
 * breaker gives the buffer back; a stopped worker (target removed or changed away) gives back
 * what it has not sent.
 *
 * FIFO: the queue never has more than one pending delivery per group, so the buffer holds at
 * most one per group, in bus order.
 */
export class TargetWorker {
  readonly key: TargetKey;
  #spec: EngineTargetSpec;
  #target: Target;
  readonly #deps: WorkerDeps;
  readonly #observer: DeliveryObserver;
  readonly #breaker: CircuitBreaker;
  #bucket: RateGate | undefined;
  /** Passed to every send; aborted by stop() once the grace is over. */
  readonly #abort = new AbortController();
  /**
   * Sends in flight that have not answered, with the time past which the worker stops waiting
   * (the target's own timeout plus a grace): checked by one timer per worker, not one per send.
   */
  readonly #deadlines = new Set<{ readonly at: number; readonly expire: () => void }>();
  #deadlineTimer: NodeJS.Timeout | undefined;
  readonly #sends = new Set<Promise<void>>();
  #retired: Target[] = [];
  /** The persisted health, once read from the queue (the first pump reads it). */
  #health: TargetHealth | undefined;
  #healthLoaded = false;
  #inFlight = 0;
  /** Deliveries leased and not finished: buffered, held for a batch, being sent, or awaiting their write. */
  #outstanding = 0;
  /** Leased ahead, not sent yet (oldest due first). */
  #buffer: LeasedDelivery[] = [];
  #held: LeasedDelivery[] = [];
  #heldSince = 0;
  #heldTimer: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #pumping = false;
  #stopped = false;

  constructor(key: TargetKey, spec: EngineTargetSpec, target: Target, deps: WorkerDeps) {
    this.key = key;
    this.#spec = spec;
    this.#target = target;
    this.#deps = deps;
    this.#observer = deps.observer ?? noDeliveryObserver;
    this.#breaker = new CircuitBreaker(deps.breakers ?? new LocalBreakerBoard(), key, spec.circuitBreaker, this.#sendSpanMs(), {
      changed: (state) => this.#tell((o) => o.onBreaker(this.key, state)),
      seen: (state) => this.#tell((o) => o.onBreakerState?.(this.key, state)),
      wake: () => this.wake(),
      failed: (err) => {
        if (!isStoreUnavailable(err)) this.#deps.log('error', { err, target: this.key }, 'writing the circuit breaker failed');
      },
    });
    this.#bucket = this.#rateGate(spec);
    // Every send in flight listens on this one signal (up to the target's concurrency).
    setMaxListeners(0, this.#abort.signal);
  }

  #rateGate(spec: EngineTargetSpec): RateGate | undefined {
    const rate = spec.rateLimit;
    if (rate === undefined) return undefined;
    const shared = this.#deps.rateLimits;
    if (shared === undefined) return new TokenBucket(rate.perSecond, rate.burst, this.#deps.clock.now());
    return new SharedRateGate(shared, this.key, rate, () => this.wake(), (err) => {
      if (!isStoreUnavailable(err)) this.#deps.log('error', { err, target: this.key }, 'shared rate limit unavailable');
    });
  }

  get spec(): EngineTargetSpec {
    return this.#spec;
  }

  /** Swaps in a changed spec; the old target closes once its sends are done. Buffered deliveries go to the new one. */
  update(spec: EngineTargetSpec, target: Target): void {
    this.#retired.push(this.#target);
    const was = this.#spec;
    if (was.rateLimit?.perSecond !== spec.rateLimit?.perSecond || was.rateLimit?.burst !== spec.rateLimit?.burst) {
      this.#bucket = this.#rateGate(spec);
    }
    this.#spec = spec;
    this.#breaker.configure(spec.circuitBreaker, this.#sendSpanMs());
    this.#target = target;
    this.#closeRetired();
    this.wake();
  }

  /** `health` is undefined until the worker has read it from the queue. */
  status(now: number): { readonly breaker: BreakerState; readonly health: { readonly value: TargetHealth | undefined } | undefined; readonly inFlight: number } {
    return { breaker: this.#breaker.state(now), health: this.#healthLoaded ? { value: this.#health } : undefined, inFlight: this.#inFlight };
  }

  /** Re-enables a disabled target and closes its breaker. */
  async enable(): Promise<void> {
    this.#health = undefined;
    this.#healthLoaded = true;
    await this.#deps.queue.setHealth(this.key, undefined);
    await this.#breaker.reset();
    this.wake();
  }

  /** A breaker record changed on the board (another process's write, told by the board's watch). */
  breakerChanged(record: BreakerRecord): void {
    this.#breaker.apply(record);
  }

  /** Looks for due work soon (coalesced; a pump running now runs once more after it). */
  wake(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    if (!this.#pumping) setImmediate(() => void this.#pump());
  }

  #sleepUntil(at: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const delay = Math.max(0, Math.min(at - this.#deps.clock.now(), this.#deps.pollIntervalMs));
    this.#timer = setTimeout(() => this.wake(), delay);
    this.#timer.unref();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#scheduled && !this.#stopped) {
        this.#scheduled = false;
        await this.#pumpOnce();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Sends what free slots allow from the buffer, refills it when low, and schedules the next look. */
  async #pumpOnce(): Promise<void> {
    const { queue, clock } = this.#deps;
    let now = clock.now();
    try {
      if (!this.#healthLoaded) {
        this.#health = await queue.health(this.key);
        this.#healthLoaded = true;
      }
      if (!this.#breaker.loaded) await this.#breaker.load();
      if (this.#health?.disabledAt != null) {
        // The kill ends the buffered leases too.
        this.#outstanding -= this.#buffer.length;
        this.#buffer = [];
        const n = await queue.killTarget(this.key, DISABLED_REASON, now);
        if (n > 0) {
          this.#deps.log('warn', { target: this.key, deadLettered: n }, 'deliveries to a disabled target dead-lettered');
          this.#tell((o) => o.onDeadLetter(this.key, { count: n }, DISABLED_REASON));
        }
        return;
      }
      const perSend = this.#spec.batch?.maxBatchSize ?? 1;
      const cap = Math.floor(Math.max(MAX_OUTSTANDING, this.#spec.concurrency, 2 * perSend) / perSend) * perSend;
      // Enough ahead to fill every send slot once more; refilled when half of it is gone.
      const ahead = Math.min(cap, Math.max(LEASE_AHEAD_MIN, this.#spec.concurrency * perSend));
      let exhausted = false;
      for (;;) {
        now = clock.now();
        this.#dropStale(now);
        // Sends until the buffer is empty or nothing more may go now. With every slot busy the
        // buffer is still refilled (a finished send wakes us); an open breaker gives it back and
        // a rate limit waits, both until the time they name.
        const blocked = this.#sendFromBuffer(now);
        if (blocked?.until !== undefined) {
          this.#sleepUntil(blocked.until);
          if (blocked.releaseBuffer) this.#releaseBuffer(blocked.until);
          return;
        }
        if (this.#buffer.length >= Math.ceil(ahead / 2) || exhausted) break;
        // Nothing is leased that could not be sent soon: not while the breaker is open, not
        // beyond what the rate limit lets through now, one send's worth for a half-open probe.
        const openUntil = this.#breaker.openUntil(now);
        if (openUntil !== undefined) {
          this.#sleepUntil(openUntil);
          return;
        }
        let want = Math.min(ahead - this.#buffer.length, cap - this.#outstanding);
        if (this.#bucket !== undefined) {
          const room = this.#bucket.available(now) - this.#buffer.length;
          if (room <= 0) {
            if (this.#buffer.length === 0) this.#sleepUntil(now + this.#bucket.waitMs(now));
            break;
          }
          want = Math.min(want, room);
        }
        if (this.#breaker.state(now).type === 'half-open') want = Math.min(want, perSend - this.#buffer.length);
        if (want <= 0) break;
        const leased = await queue.lease(this.key, now, now + this.#leaseMs(), want);
        this.#outstanding += leased.length;
        if (this.#stopped) {
          this.#giveBack(leased, clock.now());
          return;
        }
        this.#buffer.push(...leased);
        if (leased.length < want) exhausted = true;
        if (leased.length === 0) break;
      }
      if (exhausted && this.#buffer.length === 0) this.#sleepUntil((await queue.nextDue(this.key)) ?? now + this.#deps.pollIntervalMs);
    } catch (err) {
      // The store logs its own "cannot write" (disk full) once; the pump retries it every poll.
      if (!isStoreUnavailable(err)) this.#deps.log('error', { err, target: this.key }, 'delivery pump failed');
      this.#sleepUntil(now + this.#deps.pollIntervalMs);
    }
  }

  /**
   * Sends buffered deliveries while slots, the breaker and the rate limit allow. Answers
   * undefined when the buffer ran dry, or why it stopped: when to look again (breaker open, rate
   * limit), and whether the buffer should be given back (an open breaker may stay open longer
   * than a lease).
   */
  #sendFromBuffer(now: number): { until: number | undefined; releaseBuffer: boolean } | undefined {
    const perSend = this.#spec.batch?.maxBatchSize ?? 1;
    while (this.#buffer.length > 0) {
      const slots = Math.min(this.#spec.concurrency - this.#inFlight, this.#breaker.allowance(now, this.#inFlight));
      if (slots <= 0) {
        const until = this.#breaker.openUntil(now);
        return { until, releaseBuffer: until !== undefined };
      }
      let n = Math.min(this.#buffer.length, slots * perSend - this.#held.length);
      if (n <= 0) return { until: undefined, releaseBuffer: false };
      if (this.#bucket !== undefined) {
        const avail = this.#bucket.available(now);
        if (avail <= 0) return { until: now + this.#bucket.waitMs(now), releaseBuffer: false };
        n = Math.min(n, avail);
      }
      if (this.#breaker.state(now).type === 'half-open') {
        n = Math.min(n, perSend);
        this.#breaker.probe(now);
      }
      const batch = this.#buffer.splice(0, n);
      this.#bucket?.take(batch.length, now);
      this.#dispatch(batch, now);
    }
    return undefined;
  }

  /** Gives back buffered deliveries whose lease would end before a send started now could finish. */
  #dropStale(now: number): void {
    if (this.#buffer.length === 0) return;
    const need = this.#sendSpanMs();
    const stale = this.#buffer.filter((d) => d.leaseUntil - now < need);
    if (stale.length === 0) return;
    this.#buffer = this.#buffer.filter((d) => d.leaseUntil - now >= need);
    this.#giveBack(stale, now);
  }

  #releaseBuffer(dueAt: number): void {
    const ds = this.#buffer;
    this.#buffer = [];
    this.#giveBack(ds, dueAt);
  }

  /** Releases leased deliveries unsent (due again at `dueAt`, no attempt counted). */
  #giveBack(ds: readonly LeasedDelivery[], dueAt: number): void {
    if (ds.length === 0) return;
    this.#deps.writer.submit(ds.map((d) => ({ type: 'release', id: d.id, lease: d.lease, dueAt })), () => {
      this.#outstanding -= ds.length;
    });
  }

  /** The longest a send can take once started: a batch window, the enrichment, the timeout, the abort grace. */
  #sendSpanMs(): number {
    const s = this.#spec;
    const enrich = s.raw.enrich === undefined ? 0 : s.raw.enrich.timeoutMs ?? DEFAULT_ENRICH_TIMEOUT_MS;
    return s.timeoutMs + enrich + (s.batch?.maxBatchWindowMs ?? 0) + ABORT_GRACE_MS + 1_000;
  }

  /**
   * A lease must outlive the send it covers (held in a batch window, then up to the timeout and
   * the abort grace), or the delivery would fall due again while still in flight — a duplicate,
   * and a second in-flight send of a FIFO group.
   */
  #leaseMs(): number {
    return Math.max(this.#deps.leaseMs, this.#sendSpanMs() + 4_000);
  }

  #dispatch(leased: LeasedDelivery[], now: number): void {
    const batch = this.#spec.batch;
    if (batch === undefined) {
      for (const d of leased) this.#send([d]);
      return;
    }
    if (this.#held.length === 0 && leased.length > 0) this.#heldSince = now;
    this.#held.push(...leased);
    while (this.#held.length >= batch.maxBatchSize) this.#send(this.#held.splice(0, batch.maxBatchSize));
    if (this.#held.length === 0) return;
    const flushAt = this.#heldSince + batch.maxBatchWindowMs;
    if (flushAt <= now) {
      this.#send(this.#held.splice(0));
      return;
    }
    if (this.#heldTimer === undefined) {
      this.#heldTimer = setTimeout(() => {
        this.#heldTimer = undefined;
        if (this.#held.length > 0 && !this.#stopped) this.#send(this.#held.splice(0));
      }, flushAt - now);
    }
  }

  #send(ds: LeasedDelivery[]): void {
    this.#inFlight++;
    const p = this.#attempt(ds).catch((err: unknown) => {
      if (!isStoreUnavailable(err)) this.#deps.log('error', { err, target: this.key }, 'delivery attempt failed unexpectedly; the leases will expire');
      this.#done(ds.length);
    });
    this.#sends.add(p);
    void p.finally(() => this.#sends.delete(p));
  }

  async #attempt(ds: LeasedDelivery[]): Promise<void> {
    const { clock } = this.#deps;
    const spec = this.#spec;
    const target = this.#target;
    const completions: Completion[] = [];
    const ready: { d: LeasedDelivery; payload: string; message: OutboundMessage; trace: DeliveryTraceContext | undefined }[] = [];
    const prepared = await Promise.all(ds.map((d) => this.#prepare(d, target)));
    for (const [i, p] of prepared.entries()) {
      const d = ds[i]!;
      if (p.type === 'ready') ready.push({ d, ...p.ready });
      else if (p.type === 'done') completions.push(p.completion);
      else {
        completions.push(this.#unsendable(d, p.reason));
      }
    }
    if (ready.length > 0) {
      const startedAt = clock.now();
      const outcome = await this.#sendOnce(target, ready.map((r) => r.message), startedAt, spec.timeoutMs);
      const now = clock.now();
      const attempt = attemptOf(startedAt, outcome);
      this.#observe(outcome, now);
      if (!this.#abort.signal.aborted) this.#tell((o) => o.onAttempt(this.key, attempt, ready.map((r) => observed(r.d, r.trace))));
      for (const r of ready) completions.push(this.#complete(r.d, r.payload, outcome, attempt, now));
    }
    this.#deps.writer.submit(completions, () => this.#done(ds.length));
  }

  /**
   * What one leased delivery sends: its payload rendered from the event (after the target's
   * enrichment step, when it has one) — or its completion already (the enrichment failed or
   * answered with nothing to send), or why it can never be sent (dead-lettered at once, or
   * dropped on an at-most-once target: #unsendable).
   */
  async #prepare(d: LeasedDelivery, target: Target): Promise<
    | { type: 'ready'; ready: { payload: string; message: OutboundMessage; trace: DeliveryTraceContext | undefined } }
    | { type: 'done'; completion: Completion }
    | { type: 'dead'; reason: string }> {
    const spec = this.#spec;
    // An earlier lease ended without an outcome: it may have been sent. Never twice.
    if (spec.atMostOnce && (d.leases ?? 1) > 1) return { type: 'dead', reason: 'an earlier lease ended without an outcome (a crash or a send past its lease): it may have been sent' };
    if (d.eventBody === null) return { type: 'dead', reason: 'the event was removed by retention before it was delivered' };
    let trace: DeliveryTraceContext | undefined;
    let body = d.eventBody;
    try {
      trace = this.#traceContext(body, d.traceparent);
    } catch (err) {
      return { type: 'dead', reason: `could not prepare the payload: ${(err as Error).message}` };
    }
    const message = (outbound: OutboundMessage['outbound']): OutboundMessage => ({
      deliveryId: `dlv_${d.id}`, attempt: d.attempts + 1, bus: d.bus, rule: d.rule, targetId: baseTargetId(d.target), eventId: d.eventId, outbound,
      traceparent: trace?.header, tracestate: trace?.tracestate,
    });
    if (target.enrich !== undefined) {
      let asStored: OutboundMessage;
      try {
        asStored = message(renderPayload(AS_STORED, { bus: d.bus, id: d.eventId, body, receivedAt: d.receivedAt }, { rule: d.rule, traceparent: trace?.traceparent }).outbound);
      } catch (err) {
        return { type: 'dead', reason: `could not prepare the payload: ${(err as Error).message}` };
      }
      const startedAt = this.#deps.clock.now();
      const e = await target.enrich(asStored, this.#abort.signal);
      if (e.type !== 'enriched') {
        const outcome: SendOutcome = e.type === 'failed'
          ? e.outcome
          : { type: 'delivered', durationMs: e.durationMs, ...(e.status === undefined ? {} : { status: e.status }), note: 'enrichment answered with nothing: nothing sent' };
        const attempt = attemptOf(startedAt, outcome);
        if (!this.#abort.signal.aborted) this.#tell((o) => o.onAttempt(this.key, attempt, [observed(d, trace)]));
        return { type: 'done', completion: this.#complete(d, body, outcome, attempt, this.#deps.clock.now()) };
      }
      try {
        body = withData(body, e.data);
      } catch (err) {
        return { type: 'dead', reason: `could not prepare the payload: ${(err as Error).message}` };
      }
    }
    try {
      const p = renderPayload(spec, { bus: d.bus, id: d.eventId, body, receivedAt: d.receivedAt }, { rule: d.rule, traceparent: trace?.traceparent });
      return { type: 'ready', ready: { trace, payload: p.payload, message: message(p.outbound) } };
    } catch (err) {
      return { type: 'dead', reason: `could not prepare the payload: ${(err as Error).message}` };
    }
  }

  /**
   * One send, never throwing and never waiting past the target's timeout plus a grace: a target
   * that has not answered by then counts as timed out (its send is left to end on its own; its
   * result is ignored). No controller or timer of its own per send: the worker's stop signal
   * aborts every send, and one timer per worker watches the deadlines.
   */
  #sendOnce(target: Target, messages: OutboundMessage[], startedAt: number, timeoutMs: number): Promise<SendOutcome> {
    const clock = this.#deps.clock;
    return new Promise<SendOutcome>((resolve) => {
      const entry = {
        at: performance.now() + timeoutMs + ABORT_GRACE_MS,
        expire: () => resolve({ type: 'failed', durationMs: clock.now() - startedAt, errorClass: 'timeout', message: 'the target did not answer within its timeout' }),
      };
      this.#deadlines.add(entry);
      this.#watchDeadlines();
      target.send(messages, this.#abort.signal).then(resolve, (err: unknown) => {
        resolve({ type: 'failed', durationMs: clock.now() - startedAt, errorClass: 'io', message: (err as Error).message });
      }).finally(() => this.#deadlines.delete(entry));
    });
  }

  #watchDeadlines(): void {
    if (this.#deadlineTimer !== undefined) return;
    this.#deadlineTimer = setInterval(() => {
      const now = performance.now();
      for (const e of this.#deadlines) {
        if (e.at > now) continue;
        this.#deadlines.delete(e);
        e.expire();
      }
      if (this.#deadlines.size === 0) {
        clearInterval(this.#deadlineTimer);
        this.#deadlineTimer = undefined;
      }
    }, DEADLINE_CHECK_MS);
    this.#deadlineTimer.unref();
  }

  /** A delivery that cannot be sent at all: dead-lettered, or dropped on an at-most-once target. */
  #unsendable(d: LeasedDelivery, reason: string): Completion {
    if (this.#spec.atMostOnce) {
      this.#tell((o) => o.onDropped?.(this.key, observed(d), reason));
      return { type: 'dropped', id: d.id, lease: d.lease, attempt: null, reason: `at-most-once: ${reason}` };
    }
    this.#tell((o) => o.onDeadLetter(this.key, { delivery: observed(d), count: 1 }, reason));
    return { type: 'dead', id: d.id, lease: d.lease, attempt: null, reason, payload: null };
  }

  #complete(d: LeasedDelivery, payload: string, outcome: SendOutcome, attempt: AttemptRecord, now: number): Completion {
    if (outcome.type === 'delivered') {
      this.#tell((o) => o.onDelivered(this.key, observed(d), now));
      return { type: 'delivered', id: d.id, lease: d.lease, attempt };
    }
    if (this.#spec.atMostOnce) {
      // One attempt, made (or interrupted by a shutdown): never sent again, never dead-lettered.
      const reason = `at-most-once: ${outcome.errorClass}${outcome.status === undefined ? '' : ` ${outcome.status}`}: ${outcome.message}`;
      this.#tell((o) => o.onDropped?.(this.key, observed(d), reason));
      return { type: 'dropped', id: d.id, lease: d.lease, attempt, reason };
    }
    if (this.#abort.signal.aborted) return { type: 'release', id: d.id, lease: d.lease, dueAt: now };
    if (this.#health?.disabledAt != null) {
      // This attempt (or one beside it) disabled the target: the delivery is dead-lettered for that
      // reason now, as the pump does with the target's other deliveries. Scheduling a retry instead
      // raced with the pump's dead-lettering and could leave the retry's error on the dead letter.
      this.#tell((o) => o.onDeadLetter(this.key, { delivery: observed(d), count: 1 }, DISABLED_REASON));
      return { type: 'dead', id: d.id, lease: d.lease, attempt, reason: DISABLED_REASON, payload };
    }
    const decision = decideRetry(this.#spec.retry, outcome, d.attempts + 1, d.firstAt, now, this.#deps.random);
    if (decision.type === 'retry') return { type: 'retry', id: d.id, lease: d.lease, attempt, dueAt: decision.at, error: `${outcome.errorClass}${outcome.status === undefined ? '' : ` ${outcome.status}`}: ${outcome.message}` };
    const forward = this.#spec.deadLetter !== undefined && !d.target.endsWith(DEAD_LETTER_SUFFIX);
    this.#tell((o) => o.onDeadLetter(this.key, { delivery: observed(d), count: 1 }, decision.reason));
    if (!forward) return { type: 'dead', id: d.id, lease: d.lease, attempt, reason: decision.reason, payload };
    // The dead-letter copy says why it failed (docs/delivery.md#dead-letter-targets).
    const forwardBody = d.eventBody === null ? undefined : withFailureExtensions(d.eventBody, {
      errorClass: outcome.errorClass, status: outcome.status ?? null, message: outcome.message, rule: d.rule, target: d.target, attempts: d.attempts + 1,
    });
    return { type: 'dead', id: d.id, lease: d.lease, attempt, reason: decision.reason, payload, forwardTo: `${d.target}${DEAD_LETTER_SUFFIX}`, ...(forwardBody === undefined ? {} : { forwardBody }) };
  }

  /** Breaker and persisted health follow every outcome; a target failing too long is disabled. */
  #observe(outcome: SendOutcome, now: number): void {
    if (this.#abort.signal.aborted) return;
    // A receiver that answered with a status not worth retrying (400, 422, …) refused this
    // message but is up: the breaker closes as on a success, or one bad event would open it.
    const answered = outcome.type === 'delivered' || (outcome.errorClass === 'http' && !shouldRetry(this.#spec.retry, outcome));
    if (answered) this.#breaker.success(now);
    else this.#breaker.failure(now);
    if (outcome.type === 'delivered') {
      if (this.#health !== undefined) {
        this.#health = undefined;
        this.#saveHealth();
      }
      return;
    }
    if (this.#health === undefined) {
      this.#health = { failingSince: now, disabledAt: null };
      this.#saveHealth();
      return;
    }
    const since = this.#health.failingSince ?? now;
    if (this.#health.disabledAt === null && now - since >= this.#deps.disableAfterMs) {
      this.#health = { failingSince: since, disabledAt: now };
      this.#saveHealth();
      this.#deps.log('warn', { target: this.key, failingSince: new Date(since).toISOString() }, 'target disabled after failing continuously');
      this.#tell((o) => o.onDisabled(this.key, since));
    }
  }

  /**
   * Persists the target's health. A failed write (disk full) must not lose the attempt's outcome:
   * the state in memory holds, and the next change writes it again.
   */
  #saveHealth(): void {
    try {
      void this.#deps.queue.setHealth(this.key, this.#health).catch((err: unknown) => this.#healthFailed(err));
    } catch (err) {
      this.#healthFailed(err);
    }
  }

  #healthFailed(err: unknown): void {
    if (!isStoreUnavailable(err)) this.#deps.log('error', { err, target: this.key }, 'saving the target health failed');
  }

  /** The trace context to propagate (src/observe); a failure sends none rather than failing the delivery. */
  #traceContext(body: string, requestTraceparent: string | null | undefined): DeliveryTraceContext | undefined {
    if (this.#observer.traceContext === undefined) return undefined;
    try {
      return this.#observer.traceContext(body, requestTraceparent);
    } catch (err) {
      this.#deps.log('error', { err, target: this.key }, 'delivery observer failed');
      return undefined;
    }
  }

  /** Calls the observer; an observer that throws is logged, never allowed to break delivery. */
  #tell(f: (o: DeliveryObserver) => void): void {
    try {
      f(this.#observer);
    } catch (err) {
      this.#deps.log('error', { err, target: this.key }, 'delivery observer failed');
    }
  }

  #done(deliveries: number): void {
    this.#inFlight--;
    this.#outstanding -= deliveries;
    this.#closeRetired();
    this.wake();
  }

  #closeRetired(): void {
    if (this.#inFlight > 0 || this.#retired.length === 0) return;
    const old = this.#retired;
    this.#retired = [];
    for (const t of old) void t.close().catch(() => undefined);
  }

  /**
   * Stops leasing, gives held batch members back, waits up to `graceMs` for sends in flight
   * (then aborts them: their deliveries are released, due again), and closes the target.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#heldTimer);
    // Leased and unsent (buffered, or held for a batch): given back, due now.
    const now = this.#deps.clock.now();
    this.#giveBack([...this.#held.splice(0), ...this.#buffer.splice(0)], now);
    const all = Promise.allSettled([...this.#sends]);
    const timer = setTimeout(() => this.#abort.abort(), graceMs);
    await all;
    clearTimeout(timer);
    clearInterval(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    await this.#deps.writer.flush();
    await Promise.allSettled([this.#target.close(), ...this.#retired.map((t) => t.close())]);
  }
}

/** The rule's target id a key stands for (dead-letter copies go to the base target's dead-letter spec). */
export function baseTargetId(target: string): string {
  return target.endsWith(DEAD_LETTER_SUFFIX) ? target.slice(0, -DEAD_LETTER_SUFFIX.length) : target;
}
