/**
 * Spans as OTLP protobuf-JSON text (one `Span` object each), written once when the span ends.
 * The three spans of the pipeline (ingest, match, deliver) have fixed attribute sets, so each
 * has its own template: one string build per span, no attribute object walked per key. That is
 * ~3× cheaper than the generic `spanJson`, which serves every other shape. Ids are lower-case
 * hex made or validated by traceparent.ts, so they need no escaping.
 */
import { newSpanId, newTraceId } from '../traceparent.js';
import { ATTR, MESSAGING_SYSTEM, deliverErrorType, spanName } from '../semconv.js';

/** One finished span (times in ms since the epoch). */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | undefined;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: 1 | 2 | 3 | 4 | 5;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly error?: string | undefined;
}

/**
 * The ids and times every span has. An absent trace id starts a new trace and an absent span id
 * is a new one: the batch makes them (random), so a span that no one refers to by id costs no
 * id text.
 */
export interface SpanHead {
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly parentSpanId: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Nanoseconds since the epoch as a decimal string, from milliseconds (microsecond precision:
 * whole microseconds since the epoch stay far below 2^53, so no BigInt is needed).
 */
export function nanos(ms: number): string {
  const us = Math.round(ms * 1000);
  return us === 0 ? '0' : `${us}000`;
}

/** Text that JSON needs no escapes for (names, routes, ids, types of everyday events). */
const PLAIN = /^[\w .:/@+=,-]*$/;

/** A JSON string literal. */
export function quote(v: string): string {
  return PLAIN.test(v) ? `"${v}"` : JSON.stringify(v);
}

const str = (v: string): string => `{"stringValue":${quote(v)}}`;
const int = (v: number): string => `{"intValue":"${v}"}`;

function head(h: SpanHead, name: string, kind: number): string {
  const parent = h.parentSpanId === undefined ? '' : `,"parentSpanId":"${h.parentSpanId}"`;
  return `{"traceId":"${h.traceId ?? newTraceId()}","spanId":"${h.spanId ?? newSpanId()}"${parent},"name":${quote(name)},"kind":${kind},`
    + `"startTimeUnixNano":"${nanos(h.startMs)}","endTimeUnixNano":"${nanos(h.endMs)}","attributes":[`;
}

const status = (error: string | undefined): string => (error === undefined ? '{"code":1}' : `{"code":2,"message":${quote(error)}}`);

const kv = (key: string, value: string): string => `{"key":"${key}","value":${str(value)}}`;
const SYSTEM = kv(ATTR.system, MESSAGING_SYSTEM);

/** The ingest span, `send <bus>` (kind server): one put request. */
export function ingestSpanJson(h: SpanHead, route: string, statusCode: number, bus: string | undefined, error: string | undefined): string {
  const busAttr = bus === undefined ? '' : `,${kv(ATTR.destination, bus)},{"key":"switchyard.bus","value":${str(bus)}}`;
  const errorType = statusCode >= 400 ? `,${kv(ATTR.errorType, String(statusCode))}` : '';
  return `${head(h, spanName('send', bus), 2)}${SYSTEM},${kv(ATTR.operationType, 'send')},${kv(ATTR.operationName, 'send')},`
    + `{"key":"http.request.method","value":{"stringValue":"POST"}},{"key":"http.route","value":${str(route)}},`
    + `{"key":"http.response.status_code","value":${int(statusCode)}}${busAttr}${errorType}],"status":${status(error)}}`;
}

/** The match span, `match <bus>` (kind internal), for one stored event. */
export function matchSpanJson(h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): string {
  return `${head(h, spanName('match', bus), 1)}${SYSTEM},${kv(ATTR.operationType, 'process')},${kv(ATTR.operationName, 'match')},`
    + `${kv(ATTR.destination, bus)},${kv(ATTR.messageId, id)},{"key":"switchyard.bus","value":${str(bus)}},{"key":"switchyard.sequence","value":${int(sequence)}},`
    + `{"key":"cloudevents.event_id","value":${str(id)}},{"key":"cloudevents.event_source","value":${str(source)}},`
    + `{"key":"cloudevents.event_type","value":${str(type)}},{"key":"switchyard.rules","value":${str(rules)}}],"status":{"code":1}}`;
}

/** The deliver span, `deliver <bus>` (kind client): one delivery attempt. */
export function deliverSpanJson(
  h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, statusCode: number | null, error: string | undefined,
): string {
  const code = statusCode === null ? '' : `,{"key":"http.response.status_code","value":${int(statusCode)}}`;
  const errorType = error === undefined ? '' : `,${kv(ATTR.errorType, deliverErrorType(statusCode))}`;
  return `${head(h, spanName('deliver', bus), 3)}${SYSTEM},${kv(ATTR.operationType, 'send')},${kv(ATTR.operationName, 'deliver')},`
    + `${kv(ATTR.destination, bus)},${kv(ATTR.subscription, `${rule}/${target}`)},${kv(ATTR.messageId, eventId)}${errorType},{"key":"switchyard.bus","value":${str(bus)}},{"key":"switchyard.rule","value":${str(rule)}},`
    + `{"key":"switchyard.target","value":${str(target)}},{"key":"switchyard.delivery_id","value":${int(deliveryId)}},`
    + `{"key":"switchyard.sequence","value":${int(sequence)}},{"key":"cloudevents.event_id","value":${str(eventId)}}${code}],"status":${status(error)}}`;
}

/** OTLP AnyValue attributes as JSON text (KeyValue list), for spans of any shape. */
export function attributesJson(a: Readonly<Record<string, string | number | boolean>>): string {
  let out = '';
  for (const key in a) {
    const v = a[key]!;
    const value = typeof v === 'string' ? str(v)
      : typeof v === 'boolean' ? `{"boolValue":${v}}`
        : Number.isSafeInteger(v) ? int(v)
          : Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"stringValue":"${v}"}`;
    out += `${out === '' ? '' : ','}{"key":${quote(key)},"value":${value}}`;
  }
  return `[${out}]`;
}

/** Any span as JSON text. */
export function spanJson(s: SpanRecord): string {
  const parent = s.parentSpanId === undefined ? '' : `,"parentSpanId":"${s.parentSpanId}"`;
  return `{"traceId":"${s.traceId}","spanId":"${s.spanId}"${parent},"name":${quote(s.name)},"kind":${s.kind},`
    + `"startTimeUnixNano":"${nanos(s.startMs)}","endTimeUnixNano":"${nanos(s.endMs)}","attributes":${attributesJson(s.attributes)},"status":${status(s.error)}}`;
}

/** The OTLP/HTTP JSON body (ExportTraceServiceRequest) for spans already written as text. */
export function otlpBodyOf(serviceName: string, spans: readonly string[], resource: Readonly<Record<string, string>> = {}): string {
  return `{"resourceSpans":[{"resource":{"attributes":${attributesJson({ ...resource, 'service.name': serviceName })}},`
    + `"scopeSpans":[{"scope":{"name":"switchyard"},"spans":[${spans.join(',')}]}]}]}`;
}

/** The OTLP/HTTP JSON body for span records. */
export function otlpBody(serviceName: string, spans: readonly SpanRecord[]): string {
  return otlpBodyOf(serviceName, spans.map(spanJson));
}
