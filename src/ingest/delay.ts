import { checkTimestamp, type AttributeValue, type CloudEvent } from '../events/index.js';

/**
 * Delayed events (docs/delay-and-transactions.md). A producer names the due time of an event's
 * deliveries in the `deliverat` extension attribute (RFC 3339), or gives a PutEvents entry a
 * `delayMs`, which ingest turns into `deliverat` — so the stored event carries its due time,
 * visible in reads, search and traces, and survives restarts with it.
 */
export const DELIVER_AT = 'deliverat';

/** The due time of a delay, or why it is refused. */
export type DelayCheck = { readonly ok: true; readonly at: number } | { readonly ok: false; readonly reason: string };

/**
 * Checks a `deliverat` value: an RFC 3339 text at most `maxDelayMs` after `now`. A time in the
 * past is due at once (a producer's clock may run behind), so it is accepted as it is.
 */
export function checkDeliverAt(value: AttributeValue, now: number, maxDelayMs: number): DelayCheck {
  if (typeof value !== 'string') return { ok: false, reason: `${DELIVER_AT} must be an RFC 3339 timestamp string` };
  const bad = checkTimestamp(value);
  if (bad !== undefined) return { ok: false, reason: `${DELIVER_AT} ${bad}` };
  const at = Date.parse(value);
  if (!Number.isFinite(at)) return { ok: false, reason: `${DELIVER_AT} is not a representable time` };
  if (at - now > maxDelayMs) return { ok: false, reason: `${DELIVER_AT} is ${at - now} ms ahead; the most allowed is ${maxDelayMs} ms` };
  return { ok: true, at };
}

/** Checks a PutEvents entry's `delayMs`: an integer from 0 to `maxDelayMs`. */
export function checkDelayMs(value: unknown, maxDelayMs: number): { ok: true; ms: number } | { ok: false; reason: string } {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return { ok: false, reason: 'delayMs must be a non-negative integer of milliseconds' };
  if (value > maxDelayMs) return { ok: false, reason: `delayMs is ${value}; the most allowed is ${maxDelayMs} ms` };
  return { ok: true, ms: value };
}

/** The event with `deliverat` set to `at` (a PutEvents entry's delayMs made explicit). */
export function withDeliverAt(ev: CloudEvent, at: number): CloudEvent {
  return { ...ev, extensions: { ...ev.extensions, [DELIVER_AT]: new Date(at).toISOString() } };
}

/**
 * The due time a stored event's JSON text names, if any: cheap when the text has no
 * `deliverat` member at all (a substring test), parsed only when it may.
 */
export function storedDeliverAt(body: string): number | undefined {
  if (!body.includes(`"${DELIVER_AT}"`)) return undefined;
  try {
    const v = (JSON.parse(body) as Record<string, unknown>)[DELIVER_AT];
    const at = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}
