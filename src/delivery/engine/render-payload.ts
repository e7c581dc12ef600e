import type { JsonObject } from '../../core/index.js';
import { parseStoredEvent, type CloudEvent } from '../../events/index.js';
import { applyToEventText, compileTransform, type TransformLimits } from '../../transform/index.js';
import type { Outbound } from '../target.js';
import type { TargetSpec } from './rule-target.js';
import type { EngineTargetSpec } from './target-spec.js';

/** What one delivery sends, and its text as kept with a dead letter and shown by the trace. */
export interface Prepared {
  readonly outbound: Outbound;
  readonly payload: string;
}

/** The part of a target that decides its payload: the compiled transformer and `sendAs`. */
export type PayloadSpec = Pick<EngineTargetSpec, 'transform' | 'sendAs'>;

/** The stored event a payload is rendered from (a StoredEvent fits). */
export interface RenderedEvent {
  readonly bus: string;
  readonly id: string;
  /** The event's JSON-format text as stored. */
  readonly body: string;
  readonly receivedAt: number;
}

export interface RenderContext {
  /** The rule the delivery belongs to (the transformer's `rule-name`). */
  readonly rule: string;
  /** W3C traceparent to carry as the event's extension when it has none (the producer's trace context). */
  readonly traceparent?: string | undefined;
}

/** The payload part of a target spec, compiled (the dispatcher resolves it once per target with resolveTargetSpec). */
export function payloadSpec(target: TargetSpec, limits: TransformLimits = {}): PayloadSpec {
  return { transform: target.transform === undefined ? undefined : compileTransform(target.transform, limits), sendAs: target.sendAs === 'body' ? 'body' : 'data' };
}

/** The event with a `traceparent` extension (CloudEvents Distributed Tracing), unless it has one. */
function traced(ev: CloudEvent, traceparent: string | undefined): CloudEvent {
  if (traceparent === undefined || ev.extensions['traceparent'] !== undefined) return ev;
  return { ...ev, extensions: { ...ev.extensions, traceparent } };
}

/**
 * What a target receives for one event: the event itself; with a transformer, the event with
 * the output as its data (`sendAs: data`) or the output as the body (`sendAs: body`). An event
 * sent as an event carries `traceparent` as its extension when it lacks one. The dispatcher
 * sends this and the trace view shows it, so the trace shows what the receiver got.
 *
 * @throws when the event is corrupt or the transformer fails (not retryable).
 * @example renderPayload(payloadSpec({ kind: 'log', transform: { type: 'partial', path: '$.data' } }), storedEvent, { rule: 'r' }).payload
 */
export function renderPayload(target: PayloadSpec, event: RenderedEvent, context: RenderContext): Prepared {
  const body = event.body;
  if (target.transform === undefined) return { outbound: { type: 'event', event: traced(parseStoredEvent(body), context.traceparent) }, payload: body };
  const json = JSON.parse(body) as JsonObject;
  const output = target.transform.run(json, {
    ruleName: context.rule, bus: event.bus, ingestionTime: new Date(event.receivedAt).toISOString(), eventId: event.id,
  });
  if (target.sendAs === 'body') return { outbound: { type: 'raw', body: output.body, contentType: output.contentType }, payload: output.body };
  const text = applyToEventText(json, output);
  return { outbound: { type: 'event', event: traced(parseStoredEvent(text), context.traceparent) }, payload: text };
}
