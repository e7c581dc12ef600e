import type { AttemptRecord, TargetKey } from '../store/index.js';
import type { BreakerState, DeliveryObserver, DeliveryTraceContext, ObservedDelivery } from '../delivery/index.js';
import { eventTraceparent, eventTracestate, formatTraceparent, newSpanId, type TraceParent } from './traceparent.js';
import type { SwitchyardMetrics } from './metrics.js';
import type { SystemEvents } from './system-events.js';
import type { Tracer } from './tracer.js';

/** A trace context made here: the strings the engine sends, and their parsed parts for the deliver span. */
export interface KnownTraceContext extends DeliveryTraceContext {
  readonly parent: TraceParent;
  readonly spanId: string;
  /** The W3C `tracestate` to send with the attempt's traceparent: the event's own, when it belongs to this trace. */
  readonly tracestate?: string;
}

/** Where delivery log lines go (a pino logger fits); one structured line per call. */
export interface DeliveryLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** Whether a level is logged (pino's); without it every level is assumed on. */
  isLevelEnabled?(level: string): boolean;
}

/**
 * The observe side of the dispatcher (its {@link DeliveryObserver} hook): counts attempts,
 * outcomes and dead letters, follows circuit state, records `deliver <bus>` spans, puts
 * system events, and writes one log line per failed attempt and per state change:
 *
 * | what | level | message |
 * |---|---|---|
 * | an attempt failed (the delivery is retried, or dead-lettered below) | warn | `delivery attempt failed` |
 * | a delivery succeeded | debug | `delivered` |
 * | deliveries dead-lettered | error | `delivery dead-lettered` |
 * | circuit opened / half-open / closed | warn / info / info | `circuit opened` … |
 * | target disabled | error | `target disabled` |
 *
 * Every line carries `bus`, `rule`, `target` and, where there is one, `eventId`, `sequence` and
 * `deliveryId`. Successful deliveries log at debug so the hot path costs nothing at the default
 * level; raise `log.level` to `debug` to see each one.
 */
export class DeliveryTelemetry implements DeliveryObserver {
  readonly #metrics: SwitchyardMetrics | undefined;
  readonly #tracer: Tracer | undefined;
  readonly #system: SystemEvents | undefined;
  readonly #log: DeliveryLog;
  /** One line per delivered event is built only when debug lines are written. */
  readonly #debug: boolean;

  constructor(deps: { metrics?: SwitchyardMetrics | undefined; tracer?: Tracer | undefined; systemEvents?: SystemEvents | undefined; log: DeliveryLog }) {
    this.#metrics = deps.metrics;
    this.#tracer = deps.tracer;
    this.#system = deps.systemEvents;
    this.#log = deps.log;
    this.#debug = deps.log.isLevelEnabled?.('debug') ?? true;
  }

  /**
   * The producer's trace context (the put request's traceparent, else the event's extension)
   * and, for this attempt, a child of it: same trace, a new span id.
   */
  traceContext(eventBody: string, requestTraceparent: string | null | undefined): DeliveryTraceContext | undefined {
    const p = eventTraceparent(eventBody, requestTraceparent);
    if (p === undefined) return undefined;
    const spanId = newSpanId();
    // The parsed parts ride along, so the deliver span does not parse the two strings back.
    const tracestate = eventTracestate(eventBody, p);
    const context: KnownTraceContext = {
      traceparent: formatTraceparent(p), header: formatTraceparent({ ...p, parentId: spanId }), parent: p, spanId, ...(tracestate === undefined ? {} : { tracestate }),
    };
    return context;
  }

  onAttempt(key: TargetKey, attempt: AttemptRecord, deliveries: readonly ObservedDelivery[]): void {
    this.#metrics?.attempt(key, attempt.ok, attempt.durationMs, deliveries.length);
    if (this.#tracer !== undefined) {
      const error = attempt.ok ? undefined : describe(attempt);
      for (const d of deliveries) this.#tracer.deliverAttempt(d.trace, key, d, attempt.at, attempt.durationMs, attempt.status, error);
    }
    if (attempt.ok) return;
    for (const d of deliveries) {
      this.#log.warn({
        ...key, eventId: d.eventId, sequence: d.sequence, deliveryId: d.id,
        status: attempt.status, errorClass: attempt.errorClass, error: attempt.message, durationMs: attempt.durationMs,
      }, 'delivery attempt failed');
    }
  }

  onDelivered(key: TargetKey, d: ObservedDelivery, now: number): void {
    this.#metrics?.delivered(key, d.receivedAt, now);
    if (this.#debug) this.#log.debug({ ...key, eventId: d.eventId, sequence: d.sequence, deliveryId: d.id }, 'delivered');
  }

  onDeadLetter(key: TargetKey, dead: { readonly delivery?: ObservedDelivery; readonly count: number }, reason: string): void {
    this.#metrics?.deadLettered(key, dead.count);
    const d = dead.delivery;
    this.#log.error({ ...key, ...(d === undefined ? {} : { eventId: d.eventId, sequence: d.sequence, deliveryId: d.id }), count: dead.count, reason }, 'delivery dead-lettered');
    this.#system?.deadLettered(key, d === undefined ? undefined : { id: d.eventId, sequence: d.sequence }, dead.count, reason);
  }

  onDropped(key: TargetKey, d: ObservedDelivery, reason: string): void {
    this.#metrics?.dropped(key);
    this.#log.warn({ ...key, eventId: d.eventId, sequence: d.sequence, deliveryId: d.id, reason }, 'delivery dropped (at-most-once)');
  }

  onBreaker(key: TargetKey, state: BreakerState): void {
    this.#metrics?.circuitChanged(key, state.type);
    if (state.type === 'open') {
      this.#log.warn({ ...key, until: new Date(state.until).toISOString() }, 'circuit opened');
      this.#system?.circuit(key, 'opened', { until: new Date(state.until).toISOString() });
    } else if (state.type === 'closed') {
      this.#log.info({ ...key }, 'circuit closed');
      this.#system?.circuit(key, 'closed');
    } else {
      this.#log.info({ ...key }, 'circuit half-open: one probe let through');
    }
  }

  onBreakerState(key: TargetKey, state: BreakerState): void {
    this.#metrics?.circuitChanged(key, state.type);
  }

  onDisabled(key: TargetKey, failingSince: number): void {
    const since = new Date(failingSince).toISOString();
    this.#log.error({ ...key, failingSince: since }, 'target disabled');
    this.#system?.targetDisabled(key, `failing without a success since ${since}`);
  }
}

function describe(a: AttemptRecord): string {
  const status = a.status === null ? '' : ` ${a.status}`;
  return `${a.errorClass ?? 'error'}${status}${a.message === null ? '' : `: ${a.message}`}`;
}
