/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header):
 * `version-traceid-parentid-flags`, lower-case hex, e.g.
 * `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. Switchyard keeps the producer's
 * value with each event and hands a child of it to every delivery, so a receiver's spans join
 * the producer's trace.
 */
import { randomBytes } from 'node:crypto';

export interface TraceParent {
  readonly version: string;
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: string;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** s[from, to) as lower-case hex: -1 when it is not, 0 when it is all zeros, 1 otherwise (W3C: all-zero ids are invalid). */
function hexRun(s: string, from: number, to: number): -1 | 0 | 1 {
  let nonZero: 0 | 1 = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 48) continue;
    if (!((c > 48 && c <= 57) || (c >= 97 && c <= 102))) return -1;
    nonZero = 1;
  }
  return nonZero;
}

/** Line terminators, which the trailing fields of a later version may not contain. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** Checks one value character by character: `vv-<32 hex>-<16 hex>-ff`, then for versions after 00 optionally `-` and more fields. */
const isOws = (c: number): boolean => c === 32 || c === 9;

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

function parse(value: string): TraceParent | undefined {
  // Only HTTP's optional whitespace (SP, HTAB) is trimmed, and only when there is some (a header
  // value rarely carries it); anything else around the value makes it invalid. JS trim() would
  // also drop line breaks and Unicode spaces, but only when a SP happened to be next to them.
  const v = isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)) ? trimOws(value) : value;
  if (v.length < 55 || v.charCodeAt(2) !== 45 || v.charCodeAt(35) !== 45 || v.charCodeAt(52) !== 45) return undefined;
  if (hexRun(v, 0, 2) < 0 || hexRun(v, 3, 35) < 1 || hexRun(v, 36, 52) < 1 || hexRun(v, 53, 55) < 0) return undefined;
  // Version ff is invalid; version 00 has exactly four fields; later versions may append more, which we drop.
  const v0 = v.charCodeAt(0);
  const v1 = v.charCodeAt(1);
  if (v0 === 102 && v1 === 102) return undefined;
  if (v.length > 55 && ((v0 === 48 && v1 === 48) || v.charCodeAt(55) !== 45 || LINE_BREAK.test(v.slice(56)))) return undefined;
  return { version: v.slice(0, 2), traceId: v.slice(3, 35), parentId: v.slice(36, 52), flags: v.slice(53, 55) };
}

/**
 * Parsed values by text, so the several readers of one request's traceparent (the put route, its
 * ingest span, its match span) parse it once. Emptied when full, and small on purpose: it only has
 * to span the requests in flight at once, and entries that lived long would outlast young-generation
 * collections (promoted, then collected by the costlier old-generation GC). Results are shared, so
 * they are frozen.
 */
const parsed = new Map<string, TraceParent | null>();
const PARSED_MAX = 256;

/**
 * Parses a traceparent; undefined for anything invalid (all-zero ids, version ff, bad shape, longer
 * than 512 characters). It runs several times for every traced put and delivery: the value is
 * checked character by character, and a value seen lately is answered from memory.
 */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const known = parsed.get(value);
  if (known !== undefined) return known ?? undefined;
  const p = parse(value);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(value, p === undefined ? null : Object.freeze(p));
  return p;
}

/** The W3C `sampled` flag (bit 0 of the flags). */
export function isSampled(p: TraceParent): boolean {
  const c = p.flags.charCodeAt(1);
  return ((c <= 57 ? c - 48 : c - 87) & 1) === 1;
}

export function formatTraceparent(t: TraceParent): string {
  return `00-${t.traceId}-${t.parentId}-${t.flags}`;
}

/**
 * Random hex for ids, drawn from a pool refilled 4 KiB at a time: one randomBytes call per 256
 * span ids instead of one each (ids are made on the put and delivery paths).
 */
const POOL_BYTES = 4096;
let pool = '';
let poolAt = 0;
function randomHex(bytes: number): string {
  if (poolAt + bytes * 2 > pool.length) {
    pool = randomBytes(POOL_BYTES).toString('hex');
    poolAt = 0;
  }
  const s = pool.slice(poolAt, poolAt + bytes * 2);
  poolAt += bytes * 2;
  return s;
}

/** A fresh 8-byte span id (never all zero). */
export function newSpanId(): string {
  let id = randomHex(8);
  while (id === ZERO_SPAN) id = randomHex(8);
  return id;
}

/** A fresh 16-byte trace id (never all zero). */
export function newTraceId(): string {
  let id = randomHex(16);
  while (id === ZERO_TRACE) id = randomHex(16);
  return id;
}

/** W3C tracestate: at most 512 printable ASCII characters (list members are not judged here). */
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/**
 * The `tracestate` extension of an event (CloudEvents Distributed Tracing extension) when it
 * belongs to trace context `p`: the event's own `traceparent` extension is in the same trace.
 * A tracestate travels only with the traceparent it was written for.
 */
export function eventTracestate(eventJson: string, p: TraceParent): string | undefined {
  if (!eventJson.includes('"tracestate"')) return undefined;
  let ev: Record<string, unknown>;
  try {
    ev = JSON.parse(eventJson) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const own = parseTraceparent(ev['traceparent']);
  const state = ev['tracestate'];
  if (own === undefined || own.traceId !== p.traceId || typeof state !== 'string' || !TRACESTATE.test(state) || state.trim() === '') return undefined;
  return state;
}

/**
 * The traceparent an event carries: the one of the put request (kept beside the event), else
 * the event's own `traceparent` extension (CloudEvents Distributed Tracing extension).
 * `eventJson` is the event's JSON-format object or text.
 */
export function eventTraceparent(eventJson: string | Readonly<Record<string, unknown>>, requestTraceparent?: string | null): TraceParent | undefined {
  const fromRequest = parseTraceparent(requestTraceparent);
  if (fromRequest !== undefined) return fromRequest;
  if (typeof eventJson === 'string') {
    // Cheap pre-check: most events carry no traceparent, and parsing the body costs more.
    if (!eventJson.includes('"traceparent"')) return undefined;
    try {
      eventJson = JSON.parse(eventJson) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return parseTraceparent(eventJson['traceparent']);
}
