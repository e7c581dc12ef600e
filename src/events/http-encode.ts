import { encodeHeaderValue } from './header-encoding.js';
import { BATCH_MEDIA_TYPE, STRUCTURED_MEDIA_TYPE } from './http-decode.js';
import { serializeEvent } from './json-format.js';
import type { CloudEvent } from './types.js';

/** An HTTP message ready to send: lower-case header names, body bytes. */
export interface EncodedMessage {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Structured mode (HTTP binding §3.2): the JSON-format event as the body. */
export function encodeStructured(ev: CloudEvent): EncodedMessage {
  return { headers: { 'content-type': `${STRUCTURED_MEDIA_TYPE}; charset=utf-8` }, body: Buffer.from(serializeEvent(ev), 'utf8') };
}

/** Batch mode (HTTP binding §3.3): a JSON array of JSON-format events. */
export function encodeBatch(evs: readonly CloudEvent[]): EncodedMessage {
  return {
    headers: { 'content-type': `${BATCH_MEDIA_TYPE}; charset=utf-8` },
    body: Buffer.from(`[${evs.map(serializeEvent).join(',')}]`, 'utf8'),
  };
}

/**
 * False when binary mode cannot carry the event: a datacontenttype starting with
 * `application/cloudevents` would make the receiver read the body as structured/batch mode.
 * Send such events in structured mode.
 */
export function binaryModeSafe(ev: CloudEvent): boolean {
  return !(ev.datacontenttype ?? '').trim().toLowerCase().startsWith('application/cloudevents');
}

/**
 * An event's data as a binary-mode body (every protocol binding's binary mode sends it the same
 * way) with its content type: `datacontenttype`, else the implied `application/json` for JSON
 * data (JSON format §3.1.2) or `text/plain; charset=utf-8` for text; binary data without one has
 * none (so it decodes back as binary).
 */
export function binaryData(ev: CloudEvent): { readonly body: Buffer; readonly contentType: string | undefined } {
  const d = ev.data;
  switch (d.kind) {
    case 'none':
      return { body: Buffer.alloc(0), contentType: ev.datacontenttype };
    case 'json':
      return { body: Buffer.from(d.text, 'utf8'), contentType: ev.datacontenttype ?? 'application/json' };
    case 'text':
      return { body: Buffer.from(d.text, 'utf8'), contentType: ev.datacontenttype ?? 'text/plain; charset=utf-8' };
    case 'binary':
      return { body: Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength), contentType: ev.datacontenttype };
  }
}

/**
 * Binary mode (HTTP binding §3.1): attributes as percent-encoded `ce-*` headers, data as the body,
 * `datacontenttype` as Content-Type. JSON data without a datacontenttype gets the implied
 * `application/json` (JSON format §3.1.2); text data without one gets `text/plain; charset=utf-8`;
 * binary data without one is sent without Content-Type (so it decodes back as binary).
 */
export function encodeBinary(ev: CloudEvent): EncodedMessage {
  const headers: Record<string, string> = {
    'ce-specversion': ev.specversion,
    'ce-id': encodeHeaderValue(ev.id),
    'ce-source': encodeHeaderValue(ev.source),
    'ce-type': encodeHeaderValue(ev.type),
  };
  if (ev.dataschema !== undefined) headers['ce-dataschema'] = encodeHeaderValue(ev.dataschema);
  if (ev.subject !== undefined) headers['ce-subject'] = encodeHeaderValue(ev.subject);
  if (ev.time !== undefined) headers['ce-time'] = encodeHeaderValue(ev.time);
  for (const [k, v] of Object.entries(ev.extensions)) headers[`ce-${k}`] = encodeHeaderValue(String(v));
  const { body, contentType: ct } = binaryData(ev);
  if (ct !== undefined) headers['content-type'] = ct;
  return { headers, body };
}
