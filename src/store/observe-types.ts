import type { EventPage, EventQuery } from './types.js';

/**
 * A search over one bus's events, in sequence order, with everything `EventQuery` takes plus
 * the observability filters. Every filter narrows (they are ANDed).
 */
export interface EventSearchQuery extends EventQuery {
  /** Words that must all occur in the payload (`data`); each word is matched as a token. */
  readonly text?: string | undefined;
  /** Only events that matched this rule at ingest. */
  readonly rule?: string | undefined;
  /** Only events that matched no rule at ingest (true) or at least one (false). */
  readonly matchedAny?: boolean | undefined;
  /** Only events with this delivery state (see {@link EventDeliveryState}). */
  readonly deliveryState?: EventDeliveryState | undefined;
}

/**
 * The delivery state of an event as a whole: `dead` when any of its deliveries is dead,
 * else `retrying` when one failed and waits for another attempt, else `pending` when one has
 * not finished, else `delivered` (every delivery succeeded). Events without deliveries have none.
 */
export type EventDeliveryState = 'delivered' | 'pending' | 'retrying' | 'dead';

/** One attempt of a delivery as the trace shows it. */
export interface TraceAttempt {
  readonly n: number;
  readonly at: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly status: number | null;
  readonly errorClass: string | null;
  readonly message: string | null;
}

/** One delivery of an event (a target of a matched rule) with all its attempts. */
export interface TraceDelivery {
  readonly id: number;
  readonly rule: string;
  readonly target: string;
  readonly state: string;
  readonly createdAt: number;
  readonly doneAt: number | null;
  readonly dueAt: number;
  readonly lastError: string | null;
  /** The transformed payload (kept for dead letters), or null. */
  readonly payload: string | null;
  readonly attempts: readonly TraceAttempt[];
}

/** Where an event came from, kept beside it at ingest. */
export interface EventOrigin {
  /** The producer's address (the socket's remote address, or the first X-Forwarded-For hop). */
  readonly client: string | null;
  /** The W3C traceparent of the put request, when the producer sent one. */
  readonly traceparent: string | null;
  /** What received the event besides a plain put (an event source, its verification; JSON text); null for none. */
  readonly via?: string | null;
}

/** Unfinished deliveries of one target (pending, retrying or waiting on their FIFO group). */
export interface TargetBacklogRow {
  readonly bus: string;
  readonly rule: string;
  readonly target: string;
  readonly pending: number;
  /** Start (ms) of the oldest unfinished delivery's current retry budget: its enqueue, or its redrive. */
  readonly oldestPendingAt: number;
}

/** Storage-side support for search, trace and metrics (src/observe). Every method returns a promise. */
export interface ObserveIndex {
  /**
   * One page of events matching the query. `next` is the last sequence examined when more may
   * follow, so callers that filter further (event patterns) can page on without a gap.
   */
  search(query: EventSearchQuery): Promise<EventPage>;
  /** The origin of the event at (bus, sequence); undefined when there is no such event. */
  origin(bus: string, sequence: number): Promise<EventOrigin | undefined>;
  /** Deliveries of the event at (bus, sequence), oldest first; [] when the store has none. */
  deliveries(bus: string, sequence: number): Promise<TraceDelivery[]>;
  /** Every target with unfinished deliveries, for the backlog metrics (read at scrape time). */
  backlog(): Promise<TargetBacklogRow[]>;
}
