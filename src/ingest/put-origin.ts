import type { ContentMode } from '../events/index.js';

/**
 * A producer's put over HTTP (the CloudEvents binding or PutEvents). Its events come from the
 * codec's decoders, which enforced the size and depth limits: `put` does not check them again.
 */
export interface HttpOrigin {
  readonly kind: 'http';
  /** How the events arrived: binary, structured, batch or put-events. */
  readonly mode: ContentMode;
  /** The producer's address. */
  readonly client?: string | undefined;
  /** The W3C traceparent header of the request (validated by the route). */
  readonly traceparent?: string | undefined;
}

/** A bus target forwarding matched events from one bus to another (src/delivery/targets/bus-target.ts). */
export interface BusTargetOrigin {
  readonly kind: 'bus-target';
  /** The bus, rule and target the events are forwarded by. */
  readonly bus: string;
  readonly rule: string;
  readonly target: string;
}

/** Switchyard's own events (src/observe/system-events.ts): the only origin that may write the system bus. */
export interface SystemOrigin {
  readonly kind: 'system';
}

/** A schedule's fire (src/sources scheduler); recorded with the client `schedule:<name>`. */
export interface ScheduleOrigin {
  readonly kind: 'schedule';
  readonly schedule: string;
}

/**
 * An event source (src/sources): a webhook it received and verified, or a message it took from a
 * broker. `mode` is the CloudEvents mode when the message already was a CloudEvent (absent when
 * the source mapped it). Recorded with the source and its verification result for the trace.
 */
export interface SourceOrigin {
  readonly kind: 'source';
  /** The source's name and kind. */
  readonly source: string;
  readonly sourceKind: string;
  /** How the source authenticated what it received (`github: signature verified`). */
  readonly verification?: string | undefined;
  readonly mode?: ContentMode | undefined;
  readonly client?: string | undefined;
  readonly traceparent?: string | undefined;
}

/**
 * Where a put came from, tagged by `kind`. It decides what the put may do (only `system` writes
 * the system bus) and is kept with each event for its trace. Sources and the scheduler add a
 * kind of their own here and a case in {@link recordedOrigin}.
 */
export type PutOrigin = HttpOrigin | BusTargetOrigin | SystemOrigin | ScheduleOrigin | SourceOrigin;

/** The address and traceparent a producer's HTTP request carries (see the events route). */
export interface HttpClient {
  readonly client?: string | undefined;
  readonly traceparent?: string | undefined;
}

/** How an origin is recorded with each event (the store's mode, client, traceparent and via). */
export interface RecordedOrigin {
  readonly mode: ContentMode;
  readonly client: string | undefined;
  readonly traceparent: string | undefined;
  /** JSON text naming the source and its verification (source origins only). */
  readonly via?: string | undefined;
}

/** The client recorded for events a bus target forwarded. */
export const BUS_TARGET_CLIENT = 'switchyard';

const BUS_TARGET: RecordedOrigin = { mode: 'batch', client: BUS_TARGET_CLIENT, traceparent: undefined };
const SYSTEM: RecordedOrigin = { mode: 'put-events', client: undefined, traceparent: undefined };

/** Bus-target copies are recorded as a batch from `switchyard`; system events as PutEvents without a client. */
export function recordedOrigin(o: PutOrigin): RecordedOrigin {
  switch (o.kind) {
    case 'http':
      return { mode: o.mode, client: o.client, traceparent: o.traceparent };
    case 'bus-target':
      return BUS_TARGET;
    case 'system':
      return SYSTEM;
    case 'schedule':
      return { mode: 'put-events', client: `schedule:${o.schedule}`, traceparent: undefined };
    case 'source':
      return {
        mode: o.mode ?? 'binary', client: o.client, traceparent: o.traceparent,
        via: JSON.stringify({ source: o.source, kind: o.sourceKind, ...(o.verification === undefined ? {} : { verification: o.verification }), ...(o.mode === undefined ? { mapped: true } : {}) }),
      };
  }
}
