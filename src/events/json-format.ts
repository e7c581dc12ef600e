import { SwitchyardError, isJsonObject, type JsonObject, type JsonValue } from '../core/index.js';
import { isCoreAttribute } from './attributes.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { isJsonMediaType, parseMediaType } from './media-type.js';
import type { AttributeValue, CloudEvent, CloudEventData } from './types.js';

const OPTIONAL_CORE = ['datacontenttype', 'dataschema', 'subject', 'time'] as const;

/**
 * Serializes an event to the CloudEvents JSON format, compact, members in a fixed order:
 * specversion, id, source, type, datacontenttype, dataschema, subject, time, extensions, then
 * `data` (the stored JSON text verbatim, or the text as a JSON string) or `data_base64`.
 *
 * Invariant relied on by `parseStoredEvent`: data is the last member and nothing before it can
 * contain the characters `,"data` outside a string — attribute values are JSON strings (whose
 * quotes are escaped), numbers or booleans, and names are [a-z0-9]+.
 *
 * @example serializeEvent(ev) // '{"specversion":"1.0","id":"1",...,"data":{"n":9007199254740993}}'
 */
export function serializeEvent(ev: CloudEvent): string {
  let s = `{"specversion":"1.0","id":${JSON.stringify(ev.id)},"source":${JSON.stringify(ev.source)},"type":${JSON.stringify(ev.type)}`;
  for (const k of OPTIONAL_CORE) {
    const v = ev[k];
    if (v !== undefined) s += `,"${k}":${JSON.stringify(v)}`;
  }
  for (const [k, v] of Object.entries(ev.extensions)) s += `,"${k}":${JSON.stringify(v)}`;
  const d = ev.data;
  switch (d.kind) {
    case 'none':
      break;
    case 'json':
      s += `,"data":${d.text}`;
      break;
    case 'text':
      s += `,"data":${JSON.stringify(d.text)}`;
      break;
    case 'binary':
      s += `,"data_base64":"${encodeBase64(d.bytes)}"`;
      break;
  }
  return `${s}}`;
}

/** The JSON-format object of an event. JSON data is the parsed value: use `serializeEvent` when number text must stay exact. */
export function toJsonFormat(ev: CloudEvent): JsonObject {
  const o: JsonObject = attributesObject(ev);
  const d = ev.data;
  if (d.kind === 'json') o['data'] = d.value;
  else if (d.kind === 'text') o['data'] = d.text;
  else if (d.kind === 'binary') o['data_base64'] = encodeBase64(d.bytes);
  return o;
}

/** Context attributes (core then extensions) as one flat object. */
export function attributesObject(ev: CloudEvent): JsonObject {
  const o: JsonObject = { specversion: ev.specversion, id: ev.id, source: ev.source, type: ev.type };
  for (const k of OPTIONAL_CORE) {
    const v = ev[k];
    if (v !== undefined) o[k] = v;
  }
  for (const [k, v] of Object.entries(ev.extensions)) o[k] = v;
  return o;
}

/**
 * The inverse of `serializeEvent`, for the store: trusted input, so no validation beyond shape;
 * the data text is sliced out of the stored text (see the invariant on `serializeEvent`).
 *
 * @throws SwitchyardError SWY_EVENT_STORED_CORRUPT when the text is not in that form.
 */
export function parseStoredEvent(text: string): CloudEvent {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new SwitchyardError('SWY_EVENT_STORED_CORRUPT', 'stored event is not valid JSON', { cause: e });
  }
  if (!isJsonObject(o) || typeof o['id'] !== 'string' || typeof o['source'] !== 'string' || typeof o['type'] !== 'string') {
    throw new SwitchyardError('SWY_EVENT_STORED_CORRUPT', 'stored event lacks id, source or type');
  }
  const ev: { -readonly [K in keyof CloudEvent]: CloudEvent[K] } = {
    specversion: '1.0',
    id: o['id'],
    source: o['source'],
    type: o['type'],
    extensions: {},
    data: { kind: 'none' },
  };
  const extensions: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'data' || k === 'data_base64' || k === 'specversion' || k === 'id' || k === 'source' || k === 'type') continue;
    if (isCoreAttribute(k)) {
      if (typeof v === 'string') ev[k as (typeof OPTIONAL_CORE)[number]] = v;
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      extensions[k] = v;
    }
  }
  ev.extensions = extensions;
  ev.data = storedData(text, o, ev.datacontenttype);
  return ev;
}

function storedData(text: string, o: JsonObject, contentType: string | undefined): CloudEventData {
  const b64 = o['data_base64'];
  if (typeof b64 === 'string') return { kind: 'binary', bytes: decodeBase64(b64) };
  if (!('data' in o)) return { kind: 'none' };
  const value = o['data'] as JsonValue;
  const mt = contentType === undefined ? undefined : parseMediaType(contentType);
  if (mt !== undefined && !isJsonMediaType(mt) && typeof value === 'string') return { kind: 'text', text: value };
  const at = text.indexOf(',"data":');
  if (at < 0) throw new SwitchyardError('SWY_EVENT_STORED_CORRUPT', 'stored event data not found');
  return { kind: 'json', value, text: text.slice(at + 8, -1) };
}
