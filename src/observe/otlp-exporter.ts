import { request } from 'undici';
import { SwitchyardError } from '../core/index.js';

/** One finished span, as the tracer records it (times in ms since the epoch). */
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

export interface OtlpExporterOptions {
  /** Base URL of the collector; spans go to `${endpoint}/v1/traces`. */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Most spans per request; a full batch is sent at once. */
  readonly maxBatch: number;
  /** Longest a span waits before its batch is sent. */
  readonly flushIntervalMs: number;
  /** Most spans held while the collector is slow; beyond it new spans are dropped (counted). */
  readonly maxQueue: number;
  readonly timeoutMs: number;
  readonly onError: (err: SwitchyardError) => void;
}

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
const str = (v: string): string => JSON.stringify(v);

/** OTLP AnyValue attributes as JSON text (KeyValue list). */
function attrs(a: Readonly<Record<string, string | number | boolean>>): string {
  let out = '';
  for (const key in a) {
    const v = a[key]!;
    const value = typeof v === 'string' ? `{"stringValue":${str(v)}}`
      : typeof v === 'boolean' ? `{"boolValue":${v}}`
        : Number.isSafeInteger(v) ? `{"intValue":"${v}"}`
          : Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"stringValue":"${v}"}`;
    out += `${out === '' ? '' : ','}{"key":${str(key)},"value":${value}}`;
  }
  return `[${out}]`;
}

function spanJson(s: SpanRecord): string {
  const parent = s.parentSpanId === undefined ? '' : `,"parentSpanId":"${s.parentSpanId}"`;
  const status = s.error === undefined ? '{"code":1}' : `{"code":2,"message":${str(s.error)}}`;
  return `{"traceId":"${s.traceId}","spanId":"${s.spanId}"${parent},"name":${str(s.name)},"kind":${s.kind},`
    + `"startTimeUnixNano":"${nanos(s.startMs)}","endTimeUnixNano":"${nanos(s.endMs)}","attributes":${attrs(s.attributes)},"status":${status}}`;
}

/**
 * The OTLP/HTTP JSON body (ExportTraceServiceRequest) for a batch of spans, written as text
 * (ids are lower-case hex from this module, so they need no escaping).
 */
export function otlpBody(serviceName: string, spans: readonly SpanRecord[]): string {
  return `{"resourceSpans":[{"resource":{"attributes":${attrs({ 'service.name': serviceName })}},`
    + `"scopeSpans":[{"scope":{"name":"switchyard"},"spans":[${spans.map(spanJson).join(',')}]}]}]}`;
}

/**
 * Batches spans and posts them as OTLP/HTTP JSON (protobuf-JSON mapping: hex ids, nanosecond
 * times as strings). Export never blocks or fails the caller: `add` only queues; a failed
 * batch is reported through `onError` and dropped (spans are diagnostics, not data).
 */
export class OtlpExporter {
  readonly #o: OtlpExporterOptions;
  readonly #url: string;
  #queue: SpanRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  dropped = 0;

  constructor(options: OtlpExporterOptions) {
    this.#o = options;
    this.#url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  }

  add(span: SpanRecord): void {
    if (this.#queue.length >= this.#o.maxQueue) {
      this.dropped++;
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length >= this.#o.maxBatch) this.#flushNow();
    else this.#timer ??= setTimeout(() => this.#flushNow(), this.#o.flushIntervalMs).unref();
  }

  /** Sends everything queued and waits for every request in flight. */
  async flush(): Promise<void> {
    this.#flushNow();
    await Promise.all([...this.#inFlight]);
  }

  #flushNow(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#o.maxBatch);
      const p = this.#send(batch).finally(() => this.#inFlight.delete(p));
      this.#inFlight.add(p);
    }
  }

  async #send(batch: readonly SpanRecord[]): Promise<void> {
    try {
      const res = await request(this.#url, {
        method: 'POST',
        headers: { ...this.#o.headers, 'content-type': 'application/json' },
        body: otlpBody(this.#o.serviceName, batch),
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
      });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`collector answered ${res.statusCode}`);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.#o.onError(new SwitchyardError('SWY_OBSERVE_EXPORT_FAILED', `${batch.length} spans not exported to ${this.#url}: ${reason}`, { cause }));
    }
  }
}
