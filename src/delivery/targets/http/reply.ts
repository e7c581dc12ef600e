import { HOPS_EXTENSION, MAX_HOPS, PATH_EXTENSION, SYSTEM_BUS, isSwitchyardError, type Violation } from '../../../core/index.js';
import { decodeHttpRequest, type CloudEvent } from '../../../events/index.js';
import type { BusPublisher, OutboundMessage } from '../../target.js';

/** The largest reply body read (and so the largest reply event): the default `limits.maxEventBytes`. */
export const MAX_REPLY_BYTES = 256 * 1024;
/** Most events one reply (a batch-mode response) may put. */
const MAX_REPLY_EVENTS = 100;

export interface ReplySpec {
  readonly bus: string;
}

export function checkReplySpec(v: unknown, path: string, out: Violation[]): void {
  const at = `${path}/reply`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push({ path: at, reason: 'must be { "bus": <bus name> }' });
    return;
  }
  for (const k of Object.keys(v)) if (k !== 'bus') out.push({ path: `${at}/${k}`, reason: 'unknown field' });
  const bus = (v as Record<string, unknown>).bus;
  if (typeof bus !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(bus)) out.push({ path: `${at}/bus`, reason: 'must be a bus name' });
  else if (bus === SYSTEM_BUS) out.push({ path: `${at}/bus`, reason: `only Switchyard puts events on "${SYSTEM_BUS}"` });
}

/** What became of a response: put on the bus, nothing to put, or a failure worth a retry. */
export type ReplyResult =
  | { readonly type: 'put'; readonly note: string }
  | { readonly type: 'ignored'; readonly note: string }
  | { readonly type: 'retry'; readonly message: string };

function hopsOf(ev: CloudEvent | undefined): number {
  const v = ev?.extensions[HOPS_EXTENSION];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * Knative reply semantics for an http target with `reply`: a 2xx response that is a CloudEvent
 * (binary or structured mode, or a batch) is put on `reply.bus` as new events, through the same
 * domain put as a bus target (its limits, schemas, dedupe and rules apply). Each reply carries
 * the original's trace context (its `traceparent`, unless it has one) and hop count + 1 (over
 * MAX_HOPS: dropped, as a rule loop). A response that is not a CloudEvent is ignored (noted on
 * the attempt). A put the bus refuses is noted, not retried (the function ran; calling it again
 * would not change the answer); a store failure is retried, calling the function again.
 */
export async function putReply(opts: {
  readonly reply: ReplySpec;
  readonly first: OutboundMessage;
  readonly contentType: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly publisher: BusPublisher;
}): Promise<ReplyResult> {
  const { reply, first, body } = opts;
  const hasCe = opts.headers['ce-specversion'] !== undefined || (opts.contentType ?? '').trim().toLowerCase().startsWith('application/cloudevents');
  if (!hasCe) return { type: 'ignored', note: body.length === 0 ? 'the response has no body; no reply' : 'the response is not a CloudEvent; ignored (no reply)' };
  if (opts.truncated) return { type: 'ignored', note: `the reply is over ${MAX_REPLY_BYTES} bytes; ignored` };
  let events: CloudEvent[];
  try {
    events = decodeHttpRequest({ contentType: opts.contentType, headers: opts.headers, body }, { maxEventBytes: MAX_REPLY_BYTES, maxBatchEvents: MAX_REPLY_EVENTS }).events;
  } catch (err) {
    return { type: 'ignored', note: `the reply is not a valid CloudEvent (${isSwitchyardError(err) ? err.message : String(err)}); ignored` };
  }
  if (events.length === 0) return { type: 'ignored', note: 'the reply batch is empty; no reply' };
  const original = first.outbound.type === 'event' ? first.outbound.event : undefined;
  const hops = hopsOf(original) + 1;
  if (hops > MAX_HOPS) return { type: 'ignored', note: `the reply was dropped: event ${first.eventId} passed ${MAX_HOPS} buses already (${HOPS_EXTENSION}); a rule loop?` };
  const path = [first.bus];
  const traceparent = original?.extensions.traceparent ?? (first.traceparent === undefined ? undefined : first.traceparent);
  const out = events.map((ev) => ({
    ...ev,
    extensions: {
      ...ev.extensions, [HOPS_EXTENSION]: hops, [PATH_EXTENSION]: path.join(','),
      ...(ev.extensions.traceparent === undefined && traceparent !== undefined ? { traceparent } : {}),
    },
  }));
  try {
    const r = await opts.publisher.publish(reply.bus, out, { bus: first.bus, rule: first.rule, target: first.targetId });
    if (r.type === 'refused') return { type: 'ignored', note: `the reply was refused by bus "${reply.bus}": ${r.reason}` };
  } catch (err) {
    return { type: 'retry', message: `the reply could not be put on bus "${reply.bus}": ${(err as Error).message}` };
  }
  return { type: 'put', note: `reply ${out.map((e) => e.id).join(', ')} put on bus "${reply.bus}"` };
}
