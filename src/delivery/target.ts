import type { JsonValue } from '../core/index.js';
import type { CloudEvent } from '../events/index.js';

/**
 * What a target sends for one delivery. `event`: a CloudEvent (the original one, or the
 * transformed output placed as its data with the attributes kept); `raw`: the transformer's
 * output as the body, as is.
 */
export type Outbound =
  | { readonly type: 'event'; readonly event: CloudEvent }
  | { readonly type: 'raw'; readonly body: string; readonly contentType: string };

/** One delivery handed to a target. `deliveryId` is stable across attempts (receivers dedupe on it). */
export interface OutboundMessage {
  readonly deliveryId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly bus: string;
  readonly rule: string;
  readonly targetId: string;
  /** The id of the event this delivery carries. */
  readonly eventId: string;
  readonly outbound: Outbound;
  /** W3C `traceparent` header for this attempt (src/observe), when the event has a trace context. */
  readonly traceparent?: string | undefined;
  /** W3C `tracestate` header sent with `traceparent` (the event's own, for its trace), when there is one. */
  readonly tracestate?: string | undefined;
}

/** Why an attempt failed; the retry policy decides from this (and the status) whether to retry. */
export type ErrorClass = 'http' | 'timeout' | 'network' | 'blocked' | 'io' | 'rejected' | 'config';

/** The result of one send (of one message, or of one batch as a whole). */
export type SendOutcome =
  | {
      readonly type: 'delivered';
      readonly durationMs: number;
      readonly status?: number;
      readonly response?: string;
      /** Why the send succeeded without sending everything (a bus target skipping a loop); kept as the attempt's message. */
      readonly note?: string;
    }
  | {
      readonly type: 'failed';
      readonly durationMs: number;
      readonly errorClass: ErrorClass;
      readonly message: string;
      readonly status?: number;
      /** From a Retry-After header, when the receiver sent one. */
      readonly retryAfterMs?: number;
      /** At most 1 KiB of the response body. */
      readonly response?: string;
    };

/**
 * A destination of deliveries. Implementations never throw from `send`: every failure is a
 * `failed` outcome. `send` receives one message, or several when the target batches.
 */
export interface Target {
  readonly kind: string;
  send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome>;
  /**
   * A target with `enrich` (docs/targets.md#enrich): asks the enrichment endpoint about one
   * message (the event as stored, before the transformer); the engine then renders the payload
   * from the event with the answer as its data. Never throws.
   */
  readonly enrich?: (message: OutboundMessage, signal: AbortSignal) => Promise<EnrichOutcome>;
  close(): Promise<void>;
}

/**
 * What an enrichment step answered: data for the event, nothing to send (an empty answer — the
 * step filtered the event out), or a failure retried and dead-lettered like a send's.
 */
export type EnrichOutcome =
  | { readonly type: 'enriched'; readonly data: JsonValue; readonly durationMs: number; readonly status?: number }
  | { readonly type: 'empty'; readonly durationMs: number; readonly status?: number }
  | { readonly type: 'failed'; readonly outcome: Extract<SendOutcome, { type: 'failed' }> };

/** The bus, rule and target a bus target forwards events for. */
export interface BusForwarder {
  readonly bus: string;
  readonly rule: string;
  readonly target: string;
}

/** What became of a bus target's put: all events taken (stored or duplicates), or refused as a whole. */
export type PublishResult =
  | { readonly type: 'published' }
  | { readonly type: 'refused'; readonly reason: string };

/**
 * Puts events on another bus of this server: a port owned by delivery, which the server wires
 * to the domain put (IngestService.put, origin `bus-target`), so the target bus's limits,
 * schemas, dedupe and rules apply. All or none. Resolves `refused` for a put the target bus will
 * never take (a missing bus, a schema in enforce mode, an event over the limits): not retried.
 * Rejects for a failure worth retrying (the store could not commit).
 */
export interface BusPublisher {
  publish(bus: string, events: readonly CloudEvent[], from: BusForwarder): Promise<PublishResult>;
}
