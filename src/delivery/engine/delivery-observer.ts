import type { AttemptRecord, TargetKey } from '../../store/index.js';
import type { BreakerState } from './circuit-breaker.js';

/** The W3C trace context of one send (computed by src/observe; docs/observability.md). */
export interface DeliveryTraceContext {
  /** The event's trace context: sent as its `traceparent` extension when the event has none. */
  readonly traceparent: string;
  /** This attempt's `traceparent` header: the event's trace, a new span id (the delivery's span). */
  readonly header: string;
  /** The `tracestate` header to send with it: the event's own, when it belongs to this trace. */
  readonly tracestate?: string | undefined;
}

/** One delivery as an observer sees it. */
export interface ObservedDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly sequence: number;
  /** When the bus received the event (ms): now - receivedAt is the end-to-end latency. */
  readonly receivedAt: number;
  /** The trace context sent with this attempt (onAttempt only), when the event has one. */
  readonly trace?: DeliveryTraceContext | undefined;
}

/**
 * Told what the dispatcher does (metrics, spans, system events, logs): the hook point of
 * src/observe. Calls are made on the dispatcher's turn, right after the outcome is known and
 * before it is written; they must be cheap and must not throw (a throw is caught and logged).
 * `key.target` of a dead-letter copy ends in `#dead-letter`.
 */
export interface DeliveryObserver {
  /** One send finished (one message, or one batch of `deliveries.length`). */
  onAttempt(key: TargetKey, attempt: AttemptRecord, deliveries: readonly ObservedDelivery[]): void;
  onDelivered(key: TargetKey, delivery: ObservedDelivery, now: number): void;
  /**
   * Deliveries became dead letters: one with its event, or `count` of them at once (`delivery`
   * absent) when a target's whole queue is dead-lettered (rule or target gone, target disabled).
   */
  onDeadLetter(key: TargetKey, dead: { readonly delivery?: ObservedDelivery; readonly count: number }, reason: string): void;
  /** An at-most-once target's delivery was dropped after its one attempt failed (optional). */
  onDropped?(key: TargetKey, delivery: ObservedDelivery, reason: string): void;
  /**
   * The circuit breaker changed state (closed → open, open → half-open, half-open → closed/open)
   * by this process's doing: told once per transition even where the breaker is shared by a
   * cluster's nodes (system events, logs).
   */
  onBreaker(key: TargetKey, state: BreakerState): void;
  /**
   * The breaker's state as this process now knows it, whoever changed it (in a cluster: another
   * node too): for what each process shows of it, such as a gauge (optional).
   */
  onBreakerState?(key: TargetKey, state: BreakerState): void;
  /** The target was disabled after failing continuously since `failingSince` (ms). */
  onDisabled(key: TargetKey, failingSince: number): void;
  /**
   * Asked before each send: the trace context to propagate for an event (its JSON text and the
   * traceparent of the request that put it), or undefined to send none.
   */
  traceContext?(eventBody: string, requestTraceparent: string | null | undefined): DeliveryTraceContext | undefined;
}

/** Observes nothing (the default). */
export const noDeliveryObserver: DeliveryObserver = {
  onAttempt: () => undefined,
  onDelivered: () => undefined,
  onDeadLetter: () => undefined,
  onBreaker: () => undefined,
  onDisabled: () => undefined,
};
