import type { JsonObject, JsonValue } from '../../../core/index.js';
import { binaryData, binaryModeSafe, serializeEvent, toJsonFormat, type CloudEvent } from '../../../events/index.js';
import type { Outbound, OutboundMessage } from '../../target.js';

/** The CloudEvents content mode of a broker target (each protocol binding defines both). */
export type ContentMode = 'binary' | 'structured';

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/**
 * One delivery as a broker message, protocol-neutral. Binary mode: the data as the body,
 * `datacontenttype` as the content type and every other attribute in `attributes` (the
 * binding prefixes the names: `ce-` for NATS, `cloudEvents:` for AMQP, none for MQTT 5 user
 * properties). Structured mode: the JSON-format event as the body, no attributes. A raw
 * outbound (`sendAs: body`) is its body with its content type, no attributes.
 */
export interface BrokerMessage {
  readonly source: OutboundMessage;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  /** The delivered event in the JSON format (raw outbounds: `{ data }`), for key templates and column mappings. */
  json(): JsonObject;
}

function attributesOf(ev: CloudEvent): [string, string][] {
  const out: [string, string][] = [['specversion', ev.specversion], ['id', ev.id], ['source', ev.source], ['type', ev.type]];
  if (ev.dataschema !== undefined) out.push(['dataschema', ev.dataschema]);
  if (ev.subject !== undefined) out.push(['subject', ev.subject]);
  if (ev.time !== undefined) out.push(['time', ev.time]);
  for (const [k, v] of Object.entries(ev.extensions)) out.push([k, String(v)]);
  return out;
}

function rawJson(body: string, contentType: string): JsonObject {
  if (/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType.trim())) {
    try {
      return { data: JSON.parse(body) as JsonValue };
    } catch {
      // not JSON after all: the text is the data
    }
  }
  return { data: body };
}

/** The delivered event in the JSON format (raw outbounds: `{ data }`), computed once on first use. */
export function outboundJson(o: Outbound): () => JsonObject {
  let json: JsonObject | undefined;
  return o.type === 'raw' ? () => (json ??= rawJson(o.body, o.contentType)) : () => (json ??= toJsonFormat(o.event));
}

/** Encodes one delivery for a broker in `mode` (binary falls back to structured when binary cannot carry the event). */
export function encodeForBroker(m: OutboundMessage, mode: ContentMode): BrokerMessage {
  const o = m.outbound;
  if (o.type === 'raw') {
    let json: JsonObject | undefined;
    return { source: m, body: Buffer.from(o.body, 'utf8'), contentType: o.contentType, attributes: [], json: () => (json ??= rawJson(o.body, o.contentType)) };
  }
  const ev = o.event;
  let json: JsonObject | undefined;
  const view = (): JsonObject => (json ??= toJsonFormat(ev));
  if (mode === 'structured' || !binaryModeSafe(ev)) {
    return { source: m, body: Buffer.from(serializeEvent(ev), 'utf8'), contentType: STRUCTURED_CONTENT_TYPE, attributes: [], json: view };
  }
  const { body, contentType } = binaryData(ev);
  return { source: m, body, contentType, attributes: attributesOf(ev), json: view };
}
