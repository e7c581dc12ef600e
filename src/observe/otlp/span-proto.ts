/**
 * Spans as OTLP protobuf (binary wire format, opentelemetry/proto/trace/v1/trace.proto and
 * collector/trace/v1/trace_service.proto), written straight into one growing buffer per export
 * request: no span object is kept and no text is built. Field numbers used:
 *
 *   ExportTraceServiceRequest { ResourceSpans resource_spans = 1 }
 *   ResourceSpans { Resource resource = 1; ScopeSpans scope_spans = 2 }
 *   Resource { KeyValue attributes = 1 }
 *   ScopeSpans { InstrumentationScope scope = 1; Span spans = 2 }
 *   InstrumentationScope { string name = 1 }
 *   Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
 *          SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
 *          KeyValue attributes = 9; Status status = 15 }
 *   Status { string message = 2; StatusCode code = 3 }
 *   KeyValue { string key = 1; AnyValue value = 2 }
 *   AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4 }
 */
import { randomFillSync } from 'node:crypto';
import type { SpanHead, SpanRecord } from './span-json.js';
import { ATTR, MESSAGING_SYSTEM, deliverErrorType, spanName } from '../semconv.js';

/** UTF-8 length of `s`: its length when all ASCII (the common case, counted without a native call). */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** The value of each lower-case hex digit, by character code. */
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i;

/** Random bytes for new ids, drawn from a pool refilled 4 KiB at a time (one native call per ~340 spans). */
const RANDOM = Buffer.allocUnsafe(4096);
let randomAt = RANDOM.length;

const LEN = 2;
const VARINT = 0;
const I64 = 1;

/** A protobuf writer over a buffer that grows by doubling. */
export class ProtoWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.#pos;
  }

  /** Drops everything written after the first `n` bytes (a span whose writing failed half-way). */
  truncate(n: number): void {
    if (n < this.#pos) this.#pos = Math.max(0, n);
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  /** A varint of a non-negative safe integer. */
  varint(n: number): void {
    this.#room(10);
    if (n < 0x80000000) {
      // 31 bits or fewer (tags, lengths, most values): integer operations.
      while (n >= 0x80) {
        this.#buf[this.#pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.#buf[this.#pos++] = n;
      return;
    }
    while (n >= 0x80) {
      this.#buf[this.#pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[this.#pos++] = n;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): void {
    this.stringOfLength(field, s, utf8Length(s));
  }

  /** A string field whose UTF-8 length `n` is known; ASCII is copied by hand (cheaper than a native call for short text). */
  stringOfLength(field: number, s: string, n: number): void {
    this.tag(field, LEN);
    this.varint(n);
    this.#room(n);
    if (n === s.length && n < 64) {
      const buf = this.#buf;
      let at = this.#pos;
      for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
      this.#pos = at;
    } else {
      this.#pos += this.#buf.write(s, this.#pos, 'utf8');
    }
  }

  /** A bytes field from lower-case hex text (trace and span ids, checked by traceparent.ts or made there). */
  hexBytes(field: number, hex: string): void {
    this.tag(field, LEN);
    const n = hex.length >>> 1;
    this.varint(n);
    this.#room(n);
    const buf = this.#buf;
    let at = this.#pos;
    for (let i = 0; i < hex.length; i += 2) buf[at++] = (NIBBLE[hex.charCodeAt(i)]! << 4) | NIBBLE[hex.charCodeAt(i + 1)]!;
    this.#pos = at;
  }

  /** A bytes field of `n` fresh random bytes, not all zero (a new trace or span id). */
  randomId(field: number, n: number): void {
    this.tag(field, LEN);
    this.varint(n);
    this.#room(n);
    const buf = this.#buf;
    for (;;) {
      if (randomAt + n > RANDOM.length) {
        randomFillSync(RANDOM);
        randomAt = 0;
      }
      let any = 0;
      for (let i = 0; i < n; i++) any |= buf[this.#pos + i] = RANDOM[randomAt++]!;
      if (any !== 0) break;
    }
    this.#pos += n;
  }

  /** A fixed64 field of nanoseconds since the epoch, from milliseconds (microsecond precision). */
  nanos(field: number, ms: number): void {
    this.tag(field, I64);
    this.#room(8);
    // ns = us × 1000, split into 32-bit words without a 64-bit integer (no BigInt, no float modulo).
    const us = Math.max(0, Math.round(ms * 1000));
    const hiUs = Math.floor(us / 0x100000000);
    const lo = (us - hiUs * 0x100000000) * 1000;
    const carry = Math.floor(lo / 0x100000000);
    const loWord = lo - carry * 0x100000000;
    const hiWord = hiUs * 1000 + carry;
    // Little-endian by hand (Buffer#writeUInt32LE checks its arguments on every call).
    const buf = this.#buf;
    const at = this.#pos;
    buf[at] = loWord;
    buf[at + 1] = loWord >>> 8;
    buf[at + 2] = loWord >>> 16;
    buf[at + 3] = loWord >>> 24;
    buf[at + 4] = hiWord;
    buf[at + 5] = hiWord >>> 8;
    buf[at + 6] = hiWord >>> 16;
    buf[at + 7] = hiWord >>> 24;
    this.#pos = at + 8;
  }

  double(field: number, v: number): void {
    this.tag(field, I64);
    this.#room(8);
    this.#buf.writeDoubleLE(v, this.#pos);
    this.#pos += 8;
  }

  /** Already-encoded bytes, as they are (short ones, such as attribute keys, copied by hand: cheaper than a native call). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.#room(n);
    if (n < 64) {
      const buf = this.#buf;
      let at = this.#pos;
      for (let i = 0; i < n; i++) buf[at++] = bytes[i]!;
      this.#pos = at;
    } else {
      this.#buf.set(bytes, this.#pos);
      this.#pos += n;
    }
  }

  /** Opens a length-delimited field; `close` writes the length once the content is known. */
  open(field: number): number {
    this.tag(field, LEN);
    this.#room(2);
    this.#pos += 2; // two bytes reserved: room for lengths up to 16,383
    return this.#pos;
  }

  close(start: number): void {
    const len = this.#pos - start;
    const size = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : 4;
    if (size !== 2) {
      this.#room(size - 2);
      this.#buf.copyWithin(start - 2 + size, start, this.#pos);
      this.#pos += size - 2;
    }
    let at = start - 2;
    let n = len;
    while (n >= 0x80) {
      this.#buf[at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[at] = n;
  }

  /** A copy of what was written. */
  bytes(): Buffer {
    return Buffer.from(this.view());
  }

  /** What was written, without a copy (valid until the next write). */
  view(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }
}

/** Bytes a varint of n takes. */
function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** One string field (tag, length, UTF-8), encoded on its own. */
function stringField(field: number, text: string): Uint8Array {
  const w = new ProtoWriter(16 + text.length * 3);
  w.string(field, text);
  return w.bytes();
}

/** `key` as a KeyValue.key field, encoded once per distinct key. */
const keyFields = new Map<string, Uint8Array>();
function keyField(key: string): Uint8Array {
  let f = keyFields.get(key);
  if (f === undefined) {
    f = stringField(1, key);
    if (keyFields.size < 1024) keyFields.set(key, f);
  }
  return f;
}

/** The attribute keys and span names of the pipeline's spans, encoded once (as KeyValue.key and Span.name fields). */
const K = {
  method: keyField('http.request.method'), route: keyField('http.route'), status: keyField('http.response.status_code'),
  bus: keyField('switchyard.bus'), sequence: keyField('switchyard.sequence'), rules: keyField('switchyard.rules'),
  rule: keyField('switchyard.rule'), target: keyField('switchyard.target'), deliveryId: keyField('switchyard.delivery_id'),
  eventId: keyField('cloudevents.event_id'), eventSource: keyField('cloudevents.event_source'), eventType: keyField('cloudevents.event_type'),
};

/** Span.name fields (`send <bus>`, …), encoded once per name: names repeat per bus. */
const nameFields = new Map<string, Uint8Array>();
function nameField(operation: string, bus: string | undefined): Uint8Array | string {
  const name = spanName(operation, bus);
  let f = nameFields.get(name);
  if (f === undefined) {
    if (nameFields.size >= 1024 || name.length > 200) return name;
    f = stringField(5, name);
    nameFields.set(name, f);
  }
  return f;
}

/** A KeyValue with a string value; lengths are known in advance, so nothing is shifted. */
function strAttr(w: ProtoWriter, field: number, key: string | Uint8Array, value: string): void {
  const k = typeof key === 'string' ? keyField(key) : key;
  const v = utf8Length(value);
  const any = 1 + varintSize(v) + v;
  w.tag(field, LEN);
  w.varint(k.length + 1 + varintSize(any) + any);
  w.raw(k);
  w.tag(2, LEN);
  w.varint(any);
  w.stringOfLength(1, value, v);
}

/** One whole attribute field (Span field 9, a KeyValue with a string value), encoded on its own. */
function attrField(key: Uint8Array, value: string): Uint8Array {
  const w = new ProtoWriter(32 + key.length + value.length * 3);
  strAttr(w, 9, key, value);
  return w.bytes();
}

/** The ingest span's constant attribute (every put is a POST). */
const METHOD_POST = attrField(K.method, 'POST');
/** The messaging attributes that never change per span kind, as whole fields. */
const SEMCONV = {
  system: attrField(keyField(ATTR.system), MESSAGING_SYSTEM),
  send: [attrField(keyField(ATTR.operationType), 'send'), attrField(keyField(ATTR.operationName), 'send')],
  match: [attrField(keyField(ATTR.operationType), 'process'), attrField(keyField(ATTR.operationName), 'match')],
  deliver: [attrField(keyField(ATTR.operationType), 'send'), attrField(keyField(ATTR.operationName), 'deliver')],
};
const K_MESSAGE_ID = keyField(ATTR.messageId);
const K_ERROR_TYPE = keyField(ATTR.errorType);

function semconv(w: ProtoWriter, op: readonly Uint8Array[]): void {
  w.raw(SEMCONV.system);
  for (const f of op) w.raw(f);
}

/**
 * Whole attribute fields (field 9 KeyValue: key and string value) of values that repeat — bus,
 * rule, target, route, event source and type, matched rules — encoded once per key and value.
 * Each key has its own cache of at most 256 values; past that, values are encoded each time.
 */
class AttrCache {
  readonly #key: Uint8Array;
  readonly #fields = new Map<string, Uint8Array>();
  /** The value written last and its field: consecutive spans mostly repeat it (no hashing of a fresh string then). */
  #last = '';
  #lastField: Uint8Array | undefined;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  write(w: ProtoWriter, value: string): void {
    if (value === this.#last && this.#lastField !== undefined) {
      w.raw(this.#lastField);
      return;
    }
    const f = this.#fields.get(value);
    if (f !== undefined) {
      this.#last = value;
      this.#lastField = f;
      w.raw(f);
      return;
    }
    if (this.#fields.size >= 256 || value.length > 200) {
      strAttr(w, 9, this.#key, value);
      return;
    }
    const bytes = attrField(this.#key, value);
    this.#fields.set(value, bytes);
    this.#last = value;
    this.#lastField = bytes;
    w.raw(bytes);
  }
}

const C = {
  destination: new AttrCache(keyField(ATTR.destination)), subscription: new AttrCache(keyField(ATTR.subscription)),
  route: new AttrCache(K.route), bus: new AttrCache(K.bus), rules: new AttrCache(K.rules), rule: new AttrCache(K.rule),
  target: new AttrCache(K.target), eventSource: new AttrCache(K.eventSource), eventType: new AttrCache(K.eventType),
};

/** A KeyValue with an int64 value (non-negative). */
function intAttr(w: ProtoWriter, field: number, key: string | Uint8Array, value: number): void {
  const k = typeof key === 'string' ? keyField(key) : key;
  const any = 1 + varintSize(value);
  w.tag(field, LEN);
  w.varint(k.length + 1 + varintSize(any) + any);
  w.raw(k);
  w.tag(2, LEN);
  w.varint(any);
  w.tag(3, VARINT);
  w.varint(value);
}

function anyAttr(w: ProtoWriter, field: number, key: string, v: string | number | boolean): void {
  if (typeof v === 'string') return strAttr(w, field, key, v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return intAttr(w, field, key, v);
  const kv = w.open(field);
  w.string(1, key);
  const any = w.open(2);
  if (typeof v === 'boolean') {
    w.tag(2, VARINT);
    w.varint(v ? 1 : 0);
  } else if (Number.isFinite(v)) {
    // Negative integers and fractions: a double (an int64 varint of a negative takes 10 bytes).
    w.double(4, v);
  } else {
    w.string(1, String(v));
  }
  w.close(any);
  w.close(kv);
}

/** Opens a span and writes its head; `name` is the name, or its Span.name field already encoded. */
function begin(w: ProtoWriter, h: SpanHead, name: string | Uint8Array, kind: number): number {
  const span = w.open(2); // ScopeSpans.spans
  if (h.traceId === undefined) w.randomId(1, 16);
  else w.hexBytes(1, h.traceId);
  if (h.spanId === undefined) w.randomId(2, 8);
  else w.hexBytes(2, h.spanId);
  if (h.parentSpanId !== undefined) w.hexBytes(4, h.parentSpanId);
  if (typeof name === 'string') w.string(5, name);
  else w.raw(name);
  w.tag(6, VARINT);
  w.varint(kind);
  w.nanos(7, h.startMs);
  w.nanos(8, h.endMs);
  return span;
}

function end(w: ProtoWriter, span: number, error: string | undefined): void {
  if (error === undefined) {
    w.tag(15, LEN);
    w.varint(2);
    w.tag(3, VARINT);
    w.varint(1);
  } else {
    const status = w.open(15);
    w.string(2, error);
    w.tag(3, VARINT);
    w.varint(2);
    w.close(status);
  }
  w.close(span);
}

/** The ingest span, `send <bus>` (kind server): one put request. */
export function ingestSpanProto(w: ProtoWriter, h: SpanHead, route: string, statusCode: number, bus: string | undefined, error: string | undefined): void {
  const span = begin(w, h, nameField('send', bus), 2);
  semconv(w, SEMCONV.send);
  w.raw(METHOD_POST);
  C.route.write(w, route);
  intAttr(w, 9, K.status, statusCode);
  if (bus !== undefined) {
    C.destination.write(w, bus);
    C.bus.write(w, bus);
  }
  if (statusCode >= 400) strAttr(w, 9, K_ERROR_TYPE, String(statusCode));
  end(w, span, error);
}

/** The match span, `match <bus>` (kind internal), for one stored event. */
export function matchSpanProto(w: ProtoWriter, h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): void {
  const span = begin(w, h, nameField('match', bus), 1);
  semconv(w, SEMCONV.match);
  C.destination.write(w, bus);
  strAttr(w, 9, K_MESSAGE_ID, id);
  C.bus.write(w, bus);
  intAttr(w, 9, K.sequence, sequence);
  strAttr(w, 9, K.eventId, id);
  C.eventSource.write(w, source);
  C.eventType.write(w, type);
  C.rules.write(w, rules);
  end(w, span, undefined);
}

/** The deliver span, `deliver <bus>` (kind client): one delivery attempt. */
export function deliverSpanProto(
  w: ProtoWriter, h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, statusCode: number | null, error: string | undefined,
): void {
  const span = begin(w, h, nameField('deliver', bus), 3);
  semconv(w, SEMCONV.deliver);
  C.destination.write(w, bus);
  C.subscription.write(w, `${rule}/${target}`);
  strAttr(w, 9, K_MESSAGE_ID, eventId);
  if (error !== undefined) strAttr(w, 9, K_ERROR_TYPE, deliverErrorType(statusCode));
  C.bus.write(w, bus);
  C.rule.write(w, rule);
  C.target.write(w, target);
  intAttr(w, 9, K.deliveryId, deliveryId);
  intAttr(w, 9, K.sequence, sequence);
  strAttr(w, 9, K.eventId, eventId);
  if (statusCode !== null) intAttr(w, 9, K.status, statusCode);
  end(w, span, error);
}

/** Any span. */
export function spanProto(w: ProtoWriter, s: SpanRecord): void {
  const span = begin(w, { traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, startMs: s.startMs, endMs: s.endMs }, s.name, s.kind);
  for (const key in s.attributes) anyAttr(w, 9, key, s.attributes[key]!);
  end(w, span, s.error);
}

/**
 * The ExportTraceServiceRequest around spans already written by the functions above (each as a
 * ScopeSpans.spans field): the resource (its attributes, service.name last) and the scope (switchyard).
 */
export function otlpProtoBody(serviceName: string, spans: ProtoWriter, attributes: Readonly<Record<string, string>> = {}): Buffer {
  // ScopeSpans: the scope, then the spans (already encoded as its field 2).
  const scope = new ProtoWriter(64);
  const name = scope.open(1);
  scope.string(1, 'switchyard');
  scope.close(name);
  // ResourceSpans content: the resource, then the ScopeSpans header; the scope and spans follow.
  const inner = new ProtoWriter(256);
  const resource = inner.open(1);
  for (const key in attributes) if (key !== 'service.name') strAttr(inner, 1, key, attributes[key]!);
  strAttr(inner, 1, 'service.name', serviceName);
  inner.close(resource);
  inner.tag(2, LEN);
  inner.varint(scope.length + spans.length);
  const out = new ProtoWriter(inner.length + scope.length + spans.length + 16);
  out.tag(1, LEN);
  out.varint(inner.length + scope.length + spans.length);
  out.raw(inner.view());
  out.raw(scope.view());
  out.raw(spans.view());
  return out.view();
}
