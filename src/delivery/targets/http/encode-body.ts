import { createHash } from 'node:crypto';
import { binaryModeSafe, encodeBatch, encodeBinary, encodeStructured, serializeEvent } from '../../../events/index.js';
import type { OutboundMessage, Outbound } from '../../target.js';
import type { HttpTargetSpec } from './http-spec.js';

/** An HTTP body ready to sign and send, with the webhook id it is signed under. */
export interface EncodedRequest {
  readonly webhookId: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const isJsonType = (ct: string): boolean => /^application\/([a-z0-9.+-]*\+)?json\b/i.test(ct.trim());

/** A raw body as a JSON array element: JSON bodies verbatim (when valid), others as a string. */
function rawAsJson(o: Extract<Outbound, { type: 'raw' }>): string {
  if (isJsonType(o.contentType)) {
    try {
      return JSON.stringify(JSON.parse(o.body));
    } catch {
      // not valid JSON despite the type: send it as a string
    }
  }
  return JSON.stringify(o.body);
}

/**
 * The body of one delivery, or of a batch. One message: an event in the target's mode
 * (binary falls back to structured when the event cannot travel in binary mode), a raw body
 * as is. Several: a CloudEvents batch when every message is an event and batchFormat is
 * `cloudevents`, else a JSON array. A batch is signed under `batch_<hash of delivery ids>`,
 * the same for a retry of the same batch.
 */
export function encodeRequest(messages: readonly OutboundMessage[], spec: HttpTargetSpec): EncodedRequest {
  if (messages.length === 1) {
    const m = messages[0]!;
    const o = m.outbound;
    if (o.type === 'raw') return { webhookId: m.deliveryId, headers: { 'content-type': o.contentType }, body: Buffer.from(o.body, 'utf8') };
    const enc = spec.mode === 'binary' && binaryModeSafe(o.event) ? encodeBinary(o.event) : encodeStructured(o.event);
    return { webhookId: m.deliveryId, headers: { ...enc.headers }, body: enc.body };
  }
  const webhookId = `batch_${createHash('sha256').update(messages.map((m) => m.deliveryId).join('\n')).digest('base64url').slice(0, 32)}`;
  const events = messages.flatMap((m) => (m.outbound.type === 'event' ? [m.outbound.event] : []));
  if (spec.batchFormat === 'cloudevents' && events.length === messages.length) {
    const enc = encodeBatch(events);
    return { webhookId, headers: { ...enc.headers }, body: enc.body };
  }
  const items = messages.map((m) => (m.outbound.type === 'event' ? serializeEvent(m.outbound.event) : rawAsJson(m.outbound)));
  return { webhookId, headers: { 'content-type': 'application/json' }, body: Buffer.from(`[${items.join(',')}]`, 'utf8') };
}
