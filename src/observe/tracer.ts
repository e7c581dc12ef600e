import type { DeliveryTraceContext } from '../delivery/index.js';
import type { AppendItem, AppendOutcome } from '../store/index.js';
import type { OtlpExporter, SpanRecord } from './otlp-exporter.js';
import { eventTraceparent, newSpanId, newTraceId, parseTraceparent } from './traceparent.js';
import type { TargetLabels } from './metrics.js';

/** An open span: end it once with the outcome. */
export interface OpenSpan {
  readonly traceId: string;
  readonly spanId: string;
  end(attributes?: Readonly<Record<string, string | number | boolean>>, error?: string): void;
}

/**
 * Records the spans of the pipeline and hands them to the OTLP exporter: `switchyard.ingest`
 * (one per put request, a child of the producer's traceparent), `switchyard.match` (one per
 * stored event, listing the matched rules) and `switchyard.deliver` (one per delivery attempt,
 * whose span id is the parent id sent to the target). Built only when export is configured, so
 * with tracing off none of this runs.
 */
export class Tracer {
  readonly #exporter: OtlpExporter;
  readonly #now: () => number;

  constructor(exporter: OtlpExporter, now: () => number = Date.now) {
    this.#exporter = exporter;
    this.#now = now;
  }

  /** Starts a span in the trace of `parent` (a traceparent) or in a new trace. */
  start(name: string, kind: SpanRecord['kind'], parent: string | undefined | null, attributes: Readonly<Record<string, string | number | boolean>>, spanId = newSpanId()): OpenSpan {
    const p = parseTraceparent(parent);
    const traceId = p?.traceId ?? newTraceId();
    const startMs = this.#now();
    let ended = false;
    return {
      traceId,
      spanId,
      end: (more = {}, error) => {
        if (ended) return;
        ended = true;
        this.#exporter.add({ traceId, spanId, parentSpanId: p?.parentId, name, kind, startMs, endMs: this.#now(), attributes: { ...attributes, ...more }, error });
      },
    };
  }

  /** IngestObserver side: one `switchyard.match` span per stored event. */
  appended(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], startedAt: number): void {
    const end = this.#now();
    const start = end - (performance.now() - startedAt);
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const o = outcomes[i]!;
      if (o.type !== 'stored') continue;
      const p = eventTraceparent(it.body, it.traceparent);
      this.#exporter.add({
        traceId: p?.traceId ?? newTraceId(), spanId: newSpanId(), parentSpanId: p?.parentId, name: 'switchyard.match', kind: 1,
        startMs: start, endMs: end,
        attributes: { 'switchyard.bus': it.bus, 'switchyard.sequence': o.sequence, 'cloudevents.event_id': it.id, 'cloudevents.event_source': it.source, 'cloudevents.event_type': it.type, 'switchyard.rules': it.matchedRules.join(',') },
      });
    }
  }

  /**
   * A finished delivery attempt. With a trace context, the span's id is the parent id sent in
   * the attempt's traceparent header, so the receiver's span nests under this one; without one
   * (the event carries no trace context) the span starts a trace of its own.
   */
  deliverAttempt(
    trace: DeliveryTraceContext | undefined, t: TargetLabels, d: { readonly id: number; readonly eventId: string; readonly sequence: number },
    startMs: number, durationMs: number, status: number | null, error?: string,
  ): void {
    const parent = parseTraceparent(trace?.traceparent);
    const sent = parseTraceparent(trace?.header);
    this.#exporter.add({
      traceId: parent?.traceId ?? newTraceId(), spanId: sent?.parentId ?? newSpanId(), parentSpanId: parent?.parentId, name: 'switchyard.deliver', kind: 3,
      startMs, endMs: startMs + durationMs,
      attributes: {
        'switchyard.bus': t.bus, 'switchyard.rule': t.rule, 'switchyard.target': t.target, 'switchyard.delivery_id': d.id,
        'switchyard.sequence': d.sequence, 'cloudevents.event_id': d.eventId, ...(status === null ? {} : { 'http.response.status_code': status }),
      },
      error,
    });
  }
}
