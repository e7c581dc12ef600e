import { request } from 'undici';
import { SwitchyardError } from '../../core/index.js';
import { newSpanBatch, type OtlpProtocol, type SpanBatch } from './span-batch.js';
import type { SpanHead, SpanRecord } from './span-json.js';

export interface OtlpExporterOptions {
  /** Base URL of the collector; spans go to `${endpoint}/v1/traces`. */
  readonly endpoint: string;
  /** The full URL spans go to, as is (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); wins over `endpoint`. */
  readonly tracesEndpoint?: string | undefined;
  readonly serviceName: string;
  /** Resource attributes besides service.name. */
  readonly resourceAttributes?: Readonly<Record<string, string>> | undefined;
  /** Body encoding: binary protobuf (the OTLP default) or protobuf-JSON. */
  readonly protocol: OtlpProtocol;
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

/**
 * Batches spans and posts them to an OTLP/HTTP collector, as binary protobuf or protobuf-JSON
 * (hex ids, nanosecond times as strings). A span is encoded into the current batch when it ends
 * (span-batch.ts). Export never blocks or fails the caller: adding only writes into the batch; a
 * failed batch is reported through `onError` and dropped (spans are diagnostics, not data); while
 * the collector is slow, spans beyond `maxQueue` (queued plus in flight) are dropped and counted.
 */
export class OtlpExporter {
  readonly #o: OtlpExporterOptions;
  readonly #url: string;
  #batch: SpanBatch;
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #inFlightSpans = 0;
  dropped = 0;

  constructor(options: OtlpExporterOptions) {
    this.#o = options;
    this.#url = options.tracesEndpoint !== undefined && options.tracesEndpoint !== '' ? options.tracesEndpoint : `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
    this.#batch = newSpanBatch(options.protocol, options.maxBatch);
  }

  /** Whether one more span may be queued (counts a drop when not). */
  #room(): boolean {
    if (this.#batch.count + this.#inFlightSpans < this.#o.maxQueue) return true;
    this.dropped++;
    return false;
  }

  #added(): void {
    if (this.#batch.count >= this.#o.maxBatch) this.#flushNow();
    else this.#timer ??= setTimeout(() => this.#flushNow(), this.#o.flushIntervalMs).unref();
  }

  ingest(h: SpanHead, route: string, status: number, bus: string | undefined, error: string | undefined): void {
    if (!this.#room()) return;
    this.#batch.ingest(h, route, status, bus, error);
    this.#added();
  }

  match(h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): void {
    if (!this.#room()) return;
    this.#batch.match(h, bus, sequence, id, source, type, rules);
    this.#added();
  }

  deliver(h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, status: number | null, error: string | undefined): void {
    if (!this.#room()) return;
    this.#batch.deliver(h, bus, rule, target, deliveryId, sequence, eventId, status, error);
    this.#added();
  }

  /** Any other span. */
  add(span: SpanRecord): void {
    if (!this.#room()) return;
    this.#batch.span(span);
    this.#added();
  }

  /** Sends everything queued and waits for every request in flight. */
  async flush(): Promise<void> {
    this.#flushNow();
    await Promise.all([...this.#inFlight]);
  }

  #flushNow(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    if (batch.count === 0) return;
    this.#batch = newSpanBatch(this.#o.protocol, this.#o.maxBatch);
    const n = batch.count;
    this.#inFlightSpans += n;
    const p = this.#send(batch).finally(() => {
      this.#inFlightSpans -= n;
      this.#inFlight.delete(p);
    });
    this.#inFlight.add(p);
  }

  async #send(batch: SpanBatch): Promise<void> {
    try {
      const { body, contentType } = batch.body(this.#o.serviceName, this.#o.resourceAttributes);
      const res = await request(this.#url, {
        method: 'POST',
        headers: { ...this.#o.headers, 'content-type': contentType },
        body,
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
      });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`collector answered ${res.statusCode}`);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.#o.onError(new SwitchyardError('SWY_OBSERVE_EXPORT_FAILED', `${batch.count} spans not exported to ${this.#url}: ${reason}`, { cause }));
    }
  }
}
