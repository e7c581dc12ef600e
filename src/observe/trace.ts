import type { JsonValue } from '../core/index.js';
import { testPattern, type MismatchReason } from '../rules/index.js';
import { payloadSpec, renderPayload, targetSpecOf } from '../delivery/index.js';
import type { ObserveIndex, RuleRecord, SchemaCheckRecord, StoredEvent, TraceAttempt } from '../store/index.js';
import { eventTraceparent, formatTraceparent } from './traceparent.js';

/** Final state of an event: where it ended up, or that it is still on its way. */
export type FinalState = 'no-rule-matched' | 'delivered' | 'pending' | 'retrying' | 'dead' | 'no-deliveries';

/** One step of the timeline, in time order. */
export type TimelineStep =
  | { readonly at: string; readonly step: 'received'; readonly mode: string; readonly size: number }
  | { readonly at: string; readonly step: 'matched'; readonly rules: readonly string[] }
  | { readonly at: string; readonly step: 'attempt'; readonly rule: string; readonly target: string; readonly n: number; readonly ok: boolean; readonly status: number | null; readonly durationMs: number; readonly error: string | null; readonly note?: string }
  | { readonly at: string; readonly step: 'delivered' | 'dead'; readonly rule: string; readonly target: string; readonly reason?: string };

export interface TargetTrace {
  readonly rule: string;
  readonly target: string;
  readonly state: string;
  /** The transformed payload (at most payloadLimit characters), as sent or as it would be. */
  readonly payload: string | null;
  readonly payloadTruncated: boolean;
  readonly attempts: readonly (Omit<TraceAttempt, 'at'> & { readonly at: string })[];
  readonly lastError: string | null;
}

/** The answer of GET /v1/buses/{bus}/events/{id}/trace. */
export interface EventTrace {
  readonly bus: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly sequence: number;
  /** `via`: the event source that received it and its verification result (src/sources), when one did. */
  readonly received: { readonly at: string; readonly size: number; readonly mode: string; readonly client: string | null; readonly traceparent: string | null; readonly via?: JsonValue };
  /**
   * An event is stored only once it passed CloudEvents 1.0 validation (and its schema in enforce
   * mode); in warn mode it is stored despite schema violations, which are listed here.
   */
  readonly validation:
    | { readonly result: 'valid' }
    | { readonly result: 'schema-violations'; readonly schema: string; readonly violations: readonly { readonly path: string; readonly reason: string }[] };
  readonly rules: {
    readonly matched: readonly string[];
    /** With explain: why each other rule of the bus does not match (evaluated as the rule is now). */
    readonly notMatched?: readonly { readonly rule: string; readonly state: string; readonly reason: MismatchReason | null }[];
  };
  readonly targets: readonly TargetTrace[];
  readonly finalState: FinalState;
  readonly timeline: readonly TimelineStep[];
}

export interface TraceOptions {
  readonly explain: boolean;
  /** Longest payload shown per target, in characters. */
  readonly payloadLimit: number;
  /** Largest transformer output computed for a payload not stored (as the engine caps it). */
  readonly maxTransformOutputBytes?: number;
  /** The schema violations recorded for the event in warn mode, if any. */
  readonly schemaCheck?: SchemaCheckRecord | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The payload the delivery engine sends (or sent) to a target for this event, computed with the
 * rule as it is now: the engine's own renderPayload, so the trace shows what the receiver got.
 */
function sentPayload(rule: RuleRecord | undefined, targetId: string, e: StoredEvent, maxTransformOutputBytes: number | undefined): string | null {
  if (rule === undefined) return null;
  const found = targetSpecOf(rule, targetId);
  if (found.type === 'gone') return null;
  try {
    const spec = payloadSpec(found.spec, maxTransformOutputBytes === undefined ? {} : { maxOutputBytes: maxTransformOutputBytes });
    return renderPayload(spec, e, { rule: rule.name }).payload;
  } catch {
    return null;
  }
}

function finalStateOf(matched: readonly string[], states: readonly { state: string; attempts: number }[]): FinalState {
  if (matched.length === 0) return 'no-rule-matched';
  if (states.length === 0) return 'no-deliveries';
  if (states.some((s) => s.state === 'dead')) return 'dead';
  if (states.some((s) => s.state !== 'delivered' && s.attempts > 0)) return 'retrying';
  if (states.some((s) => s.state !== 'delivered')) return 'pending';
  return 'delivered';
}

/**
 * Everything known about one stored event, as one document: how it arrived, which rules it
 * matched (and, with explain, why the others did not), and per delivery target the payload,
 * every attempt and the state, merged into a timeline ordered by time.
 */
export async function buildTrace(store: ObserveIndex, rules: readonly RuleRecord[], e: StoredEvent, options: TraceOptions): Promise<EventTrace> {
  const [found, deliveries] = await Promise.all([store.origin(e.bus, e.sequence), store.deliveries(e.bus, e.sequence)]);
  const origin = found ?? { client: null, traceparent: null };
  const tp = eventTraceparent(e.body, origin.traceparent);
  const byName = new Map(rules.map((r) => [r.name, r]));
  const timeline: TimelineStep[] = [
    { at: iso(e.receivedAt), step: 'received', mode: e.mode, size: e.size },
    { at: iso(e.receivedAt), step: 'matched', rules: e.matchedRules },
  ];
  const targets: TargetTrace[] = deliveries.map((d) => {
    for (const a of d.attempts) {
      // A successful attempt may carry a note (e.g. a bus target that skipped a loop): not an error.
      const error = a.ok ? null : a.message ?? a.errorClass;
      timeline.push({ at: iso(a.at), step: 'attempt', rule: d.rule, target: d.target, n: a.n, ok: a.ok, status: a.status, durationMs: a.durationMs, error, ...(a.ok && a.message !== null ? { note: a.message } : {}) });
    }
    if (d.doneAt !== null && (d.state === 'delivered' || d.state === 'dead')) {
      timeline.push({ at: iso(d.doneAt), step: d.state, rule: d.rule, target: d.target, ...(d.state === 'dead' && d.lastError !== null ? { reason: d.lastError } : {}) });
    }
    const payload = d.payload ?? sentPayload(byName.get(d.rule), d.target, e, options.maxTransformOutputBytes);
    return {
      rule: d.rule, target: d.target, state: d.state,
      payload: payload === null ? null : payload.slice(0, options.payloadLimit),
      payloadTruncated: payload !== null && payload.length > options.payloadLimit,
      attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at) })),
      lastError: d.lastError,
    };
  });
  // Stable sort: steps at the same instant keep their causal order (received, matched, attempt, outcome).
  timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let notMatched: EventTrace['rules']['notMatched'];
  if (options.explain) {
    const matched = new Set(e.matchedRules);
    notMatched = rules.filter((r) => !matched.has(r.name)).map((r) => {
      let reason: MismatchReason | null = null;
      try {
        const res = testPattern(r.filter, { eventText: e.body });
        reason = res.match ? null : res.reason;
      } catch {
        reason = null;
      }
      return { rule: r.name, state: r.state, reason };
    });
  }
  return {
    bus: e.bus, id: e.id, source: e.source, type: e.type, sequence: e.sequence,
    received: {
      at: iso(e.receivedAt), size: e.size, mode: e.mode, client: origin.client, traceparent: tp === undefined ? null : formatTraceparent(tp),
      ...(origin.via === undefined || origin.via === null ? {} : { via: parseVia(origin.via) }),
    },
    validation: options.schemaCheck === undefined
      ? { result: 'valid' }
      : { result: 'schema-violations', schema: options.schemaCheck.schema, violations: options.schemaCheck.violations },
    rules: notMatched === undefined ? { matched: e.matchedRules } : { matched: e.matchedRules, notMatched },
    targets,
    finalState: finalStateOf(e.matchedRules, deliveries.map((d) => ({ state: d.state, attempts: d.attempts.length }))),
    timeline,
  };
}

/** The stored `via` (JSON text written by ingest) as a value; text that does not parse is shown as it is. */
function parseVia(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
