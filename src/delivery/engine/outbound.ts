import type { JsonObject } from '../../core/index.js';
import { parseStoredEvent, type CloudEvent } from '../../events/index.js';
import { applyToEventText } from '../../transform/index.js';
import type { LeasedDelivery } from '../../store/index.js';
import type { Outbound } from '../target.js';
import type { EngineTargetSpec } from './target-spec.js';

/** What one delivery sends, and its text as kept with a dead letter. */
export interface Prepared {
  readonly outbound: Outbound;
  readonly payload: string;
}

/** The event with a `traceparent` extension (CloudEvents Distributed Tracing), unless it has one. */
function traced(ev: CloudEvent, traceparent: string | undefined): CloudEvent {
  if (traceparent === undefined || ev.extensions['traceparent'] !== undefined) return ev;
  return { ...ev, extensions: { ...ev.extensions, traceparent } };
}

/**
 * Builds what a delivery sends from the stored event: the event itself; with a transformer,
 * the event with the output as its data (`sendAs: data`) or the output as the body
 * (`sendAs: body`). An event sent as an event carries `traceparent` as its extension when it
 * lacks one (the producer's trace context). Throws when the event is corrupt or the transformer
 * fails (not retryable).
 */
export function prepareOutbound(d: LeasedDelivery, body: string, spec: EngineTargetSpec, traceparent?: string): Prepared {
  if (spec.transform === undefined) return { outbound: { type: 'event', event: traced(parseStoredEvent(body), traceparent) }, payload: body };
  const json = JSON.parse(body) as JsonObject;
  const output = spec.transform.run(json, {
    ruleName: d.rule, bus: d.bus, ingestionTime: new Date(d.receivedAt).toISOString(), eventId: d.eventId,
  });
  if (spec.sendAs === 'body') return { outbound: { type: 'raw', body: output.body, contentType: output.contentType }, payload: output.body };
  const text = applyToEventText(json, output);
  return { outbound: { type: 'event', event: traced(parseStoredEvent(text), traceparent) }, payload: text };
}
