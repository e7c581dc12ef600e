// The log message of one event: a JSON line of its index fields and origin, then the event's
// JSON-format text byte-exact. Headers are not used: CloudEvents ids and sources may hold
// characters a header value may not, while JSON escapes anything.
import type { ContentMode } from '../../../events/index.js';
import type { DeliveryEnqueue } from '../../delivery-types.js';
import type { AppendItem, StoredEvent } from '../../types.js';

/** The first line of a log message (short keys: it is written once per event). */
interface Meta {
  readonly i: string;
  readonly s: string;
  readonly t: string;
  readonly su: string | null;
  readonly ti: string | null;
  readonly r: number;
  readonly m: ContentMode;
  readonly z: number;
  readonly mr: readonly string[];
  readonly c: string | null;
  readonly tp: string | null;
  /** The deliveries computed at ingest (matched rules × targets): the log carries them to the recorder. */
  readonly d: readonly DeliveryEnqueue[];
  /** A delayed event's due time (AppendItem.deliverAt, ms), when it has one. */
  readonly da?: number;
  /** The archives the put copies the event into (AppendItem.archives), when any. */
  readonly ar?: readonly string[];
  /** What received the event besides a plain put (AppendItem.via), when anything did. */
  readonly v?: string;
}

export function encodeRecord(it: AppendItem, receivedAt: number): string {
  const meta: Meta = {
    i: it.id, s: it.source, t: it.type, su: it.subject ?? null, ti: it.time ?? null, r: receivedAt, m: it.mode, z: it.size,
    mr: it.matchedRules, c: it.client ?? null, tp: it.traceparent ?? null, d: it.deliveries ?? [],
    ...(it.deliverAt === undefined ? {} : { da: it.deliverAt }),
    ...(it.archives === undefined || it.archives.length === 0 ? {} : { ar: it.archives }),
    ...(it.via === undefined ? {} : { v: it.via }),
  };
  return `${JSON.stringify(meta)}\n${it.body}`;
}

/** One event read back from the log, with what only the log message carries. */
export interface LogRecord {
  readonly event: StoredEvent;
  readonly client: string | null;
  readonly traceparent: string | null;
  readonly deliveries: readonly DeliveryEnqueue[];
  /** A delayed event: its deliveries are due at this time (ms). */
  readonly deliverAt?: number;
  /** The archives the event is copied into. */
  readonly archives?: readonly string[];
  /** What received the event besides a plain put (a source and its verification, JSON text). */
  readonly via?: string;
}

export function decodeRecord(bus: string, sequence: number, text: string): LogRecord {
  const nl = text.indexOf('\n');
  if (nl < 0) throw new Error(`log message ${bus}#${sequence} has no metadata line`);
  const m = JSON.parse(text.slice(0, nl)) as Meta;
  return {
    event: {
      bus, sequence, receivedAt: m.r, id: m.i, source: m.s, type: m.t, subject: m.su, time: m.ti, mode: m.m, size: m.z,
      matchedRules: m.mr, body: text.slice(nl + 1),
    },
    client: m.c,
    traceparent: m.tp,
    deliveries: m.d,
    ...(m.da === undefined ? {} : { deliverAt: m.da }),
    ...(m.ar === undefined ? {} : { archives: m.ar }),
    ...(m.v === undefined ? {} : { via: m.v }),
  };
}
