import type { JsonObject } from '../../core/index.js';
import { parseStoredEvent } from '../../events/index.js';
import { applyToEventText } from '../../transform/index.js';
import type { LeasedDelivery } from '../../store/index.js';
import type { Outbound } from '../target.js';
import type { EngineTargetSpec } from './target-spec.js';

/** What one delivery sends, and its text as kept with a dead letter. */
export interface Prepared {
  readonly outbound: Outbound;
  readonly payload: string;
}

/**
 * Builds what a delivery sends from the stored event: the event itself; with a transformer,
 * the event with the output as its data (`sendAs: data`) or the output as the body
 * (`sendAs: body`). Throws when the event is corrupt or the transformer fails (not retryable).
 */
export function prepareOutbound(d: LeasedDelivery, body: string, spec: EngineTargetSpec): Prepared {
  if (spec.transform === undefined) return { outbound: { type: 'event', event: parseStoredEvent(body) }, payload: body };
  const json = JSON.parse(body) as JsonObject;
  const output = spec.transform.run(json, {
    ruleName: d.rule, bus: d.bus, ingestionTime: new Date(d.receivedAt).toISOString(), eventId: d.eventId,
  });
  if (spec.sendAs === 'body') return { outbound: { type: 'raw', body: output.body, contentType: output.contentType }, payload: output.body };
  const text = applyToEventText(json, output);
  return { outbound: { type: 'event', event: parseStoredEvent(text) }, payload: text };
}
