import { request } from 'undici';
import { SwitchyardError } from '../core/index.js';
import { otlpBodyOf, spanJson, type SpanRecord } from './span-json.js';

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

/**
 * Batches spans and posts them as OTLP/HTTP JSON (protobuf-JSON mapping: hex ids, nanosecond
 * times as strings). Export never blocks or fails the caller: `add` only queues; a failed
 * batch is reported through `onError` and dropped (spans are diagnostics, not data).
 */
export class OtlpExporter {
  readonly #o: OtlpExporterOptions;
  readonly #url: string;
  /** Spans written as JSON text when they ended (short-lived records, no objects kept). */
  #queue: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  dropped = 0;

  constructor(options: OtlpExporterOptions) {
    this.#o = options;
    this.#url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  }

  add(span: SpanRecord): void {
    this.addJson(spanJson(span));
  }

  /** Queues a span already written as OTLP JSON text (span-json.ts). */
  addJson(span: string): void {
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

  async #send(batch: readonly string[]): Promise<void> {
    try {
      const res = await request(this.#url, {
        method: 'POST',
        headers: { ...this.#o.headers, 'content-type': 'application/json' },
        body: otlpBodyOf(this.#o.serviceName, batch),
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
