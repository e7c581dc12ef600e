import type { DeliveryTraceContext } from '../delivery/index.js';
import type { AppendItem, AppendOutcome } from '../store/index.js';
import type { OtlpExporter } from './otlp/index.js';
import type { KnownTraceContext } from './delivery-telemetry.js';
import { PARENT_BASED_ALWAYS_ON, type Sampler } from './sampler.js';
import { ATTR, MESSAGING_SYSTEM, spanName } from './semconv.js';
import { eventTraceparent, newSpanId, newTraceId, parseTraceparent, type TraceParent } from './traceparent.js';
import type { TargetLabels } from './metrics.js';

/**
 * An appended event's trace context: its put request's traceparent header, else its own
 * `traceparent` extension. (One request's items share the header, which parseTraceparent answers
 * from memory after the first.)
 */
const traceOf = (it: AppendItem): TraceParent | undefined =>
  (it.traceparent !== undefined && it.traceparent !== null ? parseTraceparent(it.traceparent) : eventTraceparent(it.body, null));

/** Stored events of one put that share a trace context (one match span). */
interface MatchGroup {
  readonly parent: TraceParent | undefined;
  readonly first: AppendItem;
  readonly firstSequence: number;
  lastSequence: number;
  n: number;
  readonly rules: Set<string>;
}

/**
 * Records the spans of the pipeline and hands them to the OTLP exporter, named and attributed per
 * the OpenTelemetry messaging conventions (semconv.ts): `send <bus>` (one per put request, a
 * child of the producer's traceparent), `match <bus>` (one per put and trace context, listing
 * the matched rules) and `deliver <bus>` (one per delivery attempt, whose span id is the parent
 * id sent to the target). Built only when export is configured, so
 * with tracing off none of this runs. Sampling is the configured sampler's (sampler.ts); by
 * default it follows the parent: a producer that did not sample its trace (W3C `sampled` flag
 * off) gets no spans from us, though its context is still propagated; traces we start are all
 * sampled.
 */
export class Tracer {
  readonly #exporter: OtlpExporter;
  readonly #now: () => number;
  readonly #sampler: Sampler;

  constructor(exporter: OtlpExporter, now: () => number = Date.now, sampler: Sampler = PARENT_BASED_ALWAYS_ON) {
    this.#exporter = exporter;
    this.#now = now;
    this.#sampler = sampler;
  }

  /** The tracer's clock (ms since the epoch): span times come from it. */
  now(): number {
    return this.#now();
  }

  /**
   * Records the ingest span, `send <bus>` (kind server), of one answered put request, in the
   * trace of the producer's `traceparent` header or in a new trace; nothing when the producer's
   * trace is not sampled.
   */
  ingest(traceparent: string | undefined, startMs: number, endMs: number, route: string, status: number, bus: string | undefined): void {
    const p = parseTraceparent(traceparent);
    if (!this.#sampler.sample(p)) return;
    // No span ids or new trace ids as text: the batch writes fresh random ones straight as bytes.
    const head = { traceId: p?.traceId, spanId: undefined, parentSpanId: p?.parentId, startMs, endMs };
    this.#exporter.ingest(head, route, status, bus, status >= 400 ? `HTTP ${status}` : undefined);
  }

  /**
   * IngestObserver side: one `match <bus>` span per put and trace context — the stored
   * events of one request that share a trace (all of them, when the producer sent a
   * traceparent header) share one span covering their commit; an event with a trace of its own
   * (its `traceparent` extension) gets its own. A span of one event names it; a span of several
   * gives their count and sequence range.
   */
  appended(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], startedAt: number): void {
    const end = this.#now();
    const start = end - (performance.now() - startedAt);
    if (items.length === 1) {
      // The single put: one event, at most one span, no grouping.
      const it = items[0]!;
      const o = outcomes[0]!;
      if (o.type !== 'stored') return;
      const p = traceOf(it);
      if (!this.#sampler.sample(p)) return;
      const head = { traceId: p?.traceId, spanId: undefined, parentSpanId: p?.parentId, startMs: start, endMs: end };
      this.#exporter.match(head, it.bus, o.sequence, it.id, it.source, it.type, it.matchedRules.join(','));
      return;
    }
    const groups = new Map<string, MatchGroup>();
    let last: { bus: string; raw: string; group: MatchGroup } | undefined;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const o = outcomes[i]!;
      if (o.type !== 'stored') continue;
      // The items of one request share its traceparent header and usually its bus: then the
      // previous item's group. (Without a header each event's own extension decides.)
      if (last !== undefined && it.traceparent === last.raw && it.bus === last.bus) {
        const g = last.group;
        g.n++;
        g.lastSequence = o.sequence;
        for (const r of it.matchedRules) g.rules.add(r);
        continue;
      }
      const p = traceOf(it);
      const key = p === undefined ? it.bus : `${it.bus} ${p.traceId} ${p.parentId}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { parent: p, first: it, firstSequence: o.sequence, lastSequence: o.sequence, n: 1, rules: new Set(it.matchedRules) };
        groups.set(key, g);
      } else {
        g.n++;
        g.lastSequence = o.sequence;
        for (const r of it.matchedRules) g.rules.add(r);
      }
      last = typeof it.traceparent === 'string' ? { bus: it.bus, raw: it.traceparent, group: g } : undefined;
    }
    for (const g of groups.values()) {
      if (!this.#sampler.sample(g.parent)) continue;
      const it = g.first;
      const messaging: Record<string, string | number> = {
        [ATTR.system]: MESSAGING_SYSTEM, [ATTR.operationType]: 'process', [ATTR.operationName]: 'match', [ATTR.destination]: it.bus,
        ...(g.n === 1 ? { [ATTR.messageId]: it.id } : { [ATTR.batchCount]: g.n }),
      };
      const attributes: Record<string, string | number> = g.n === 1
        ? { ...messaging, 'switchyard.bus': it.bus, 'switchyard.sequence': g.firstSequence, 'cloudevents.event_id': it.id, 'cloudevents.event_source': it.source, 'cloudevents.event_type': it.type }
        : { ...messaging, 'switchyard.bus': it.bus, 'switchyard.events': g.n, 'switchyard.first_sequence': g.firstSequence, 'switchyard.last_sequence': g.lastSequence };
      attributes['switchyard.rules'] = [...g.rules].join(',');
      this.#exporter.add({
        traceId: g.parent?.traceId ?? newTraceId(), spanId: newSpanId(), parentSpanId: g.parent?.parentId, name: spanName('match', it.bus), kind: 1,
        startMs: start, endMs: end, attributes,
      });
    }
  }

  /**
   * A finished delivery attempt. With a trace context, the span's id is the parent id sent in
   * the attempt's traceparent header, so the receiver's span nests under this one; without one
   * (the event carries no trace context) the span starts a trace of its own.
   */
  deliverAttempt(
    trace: DeliveryTraceContext | undefined, t: TargetLabels, d: { readonly id: string; readonly eventId: string; readonly sequence: number },
    startMs: number, durationMs: number, status: number | null, error?: string,
  ): void {
    // A context made by DeliveryTelemetry carries its parsed parts; any other is parsed here.
    const known = trace !== undefined && 'spanId' in trace ? trace as KnownTraceContext : undefined;
    const parent = known?.parent ?? parseTraceparent(trace?.traceparent);
    if (!this.#sampler.sample(parent)) return;
    const spanId = known?.spanId ?? parseTraceparent(trace?.header)?.parentId ?? newSpanId();
    const head = { traceId: parent?.traceId, spanId, parentSpanId: parent?.parentId, startMs, endMs: startMs + durationMs };
    // Delivery ids are opaque text; the span attribute stays an integer while the store's ids are
    // decimal row ids (SQLite), 0 otherwise.
    const id = Number(d.id);
    this.#exporter.deliver(head, t.bus, t.rule, t.target, Number.isSafeInteger(id) ? id : 0, d.sequence, d.eventId, status, error);
  }
}
