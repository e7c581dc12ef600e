import { type JsonValue, type Violation } from '../core/index.js';
import { isCoreAttribute } from './attributes.js';
import { eventFromObject } from './event-object.js';
import { valueDepth } from './json-scan.js';
import { DEFAULT_MAX_DEPTH, UNBOUNDED_LIMITS } from './limits.js';
import { isJsonMediaType, parseMediaType } from './media-type.js';
import { isWellFormedUtf16 } from './attribute-types.js';
import type { AttributeValue, CloudEvent, CloudEventData } from './types.js';
import { invalid } from './violations.js';

/**
 * Data for `createEvent`: JSON as a value or as exact text, text, bytes, or none. JSON given as
 * both (a caller that parsed the text already) keeps the text verbatim and takes the value as its
 * parse without parsing again: the caller vouches that value is JSON.parse(text).
 */
export type CreateEventData =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: JsonValue; readonly text?: string }
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array };

export interface CreateEventFields {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly specversion?: '1.0';
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly subject?: string;
  readonly time?: string;
  readonly extensions?: Readonly<Record<string, AttributeValue>>;
  readonly data?: CreateEventData;
}

/**
 * Builds a CloudEvent in code with the same validation as the decoders. JSON data given as text
 * is parsed (and kept verbatim); given as a value it is JSON.stringify'd. Text data needs a
 * non-JSON datacontenttype and JSON data a JSON one (or none), so the event serializes and parses
 * back to itself.
 *
 * @throws SwitchyardError SWY_EVENT_INVALID with every violation.
 * @example createEvent({ id: '1', source: '/orders', type: 'order.created', data: { kind: 'json', value: { n: 1 } } })
 */
export function createEvent(fields: CreateEventFields): CloudEvent {
  const out: Violation[] = [];
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields.extensions ?? {})) {
    if (isCoreAttribute(k)) out.push({ path: `/${k}`, reason: 'extension name collides with a core attribute' });
    else obj[k] = v;
  }
  for (const k of ['id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'] as const) {
    if (fields[k] !== undefined) obj[k] = fields[k];
  }
  obj['specversion'] = fields.specversion ?? '1.0';
  const ev = eventFromObject(obj, { path: '', limits: UNBOUNDED_LIMITS }, out);
  const data = buildData(fields.data ?? { kind: 'none' }, fields.datacontenttype, out);
  if (ev === undefined || out.length > 0) throw invalid(out);
  return { ...ev, data };
}

function buildData(d: CreateEventData, contentType: string | undefined, out: Violation[]): CloudEventData {
  const mt = contentType === undefined ? undefined : parseMediaType(contentType);
  const jsonType = mt === undefined || isJsonMediaType(mt);
  switch (d.kind) {
    case 'none':
    case 'binary':
      return d;
    case 'text':
      if (jsonType) out.push({ path: '/datacontenttype', reason: 'text data needs a non-JSON datacontenttype (e.g. text/plain)' });
      if (!isWellFormedUtf16(d.text)) out.push({ path: '/data', reason: 'text data contains a lone surrogate' });
      return d;
    case 'json': {
      if (!jsonType) out.push({ path: '/datacontenttype', reason: 'JSON data needs a JSON datacontenttype (application/json, */*+json) or none' });
      let value: JsonValue;
      let text: string | undefined;
      const given = (d as { value?: JsonValue }).value;
      if (d.text !== undefined && given !== undefined) {
        text = d.text;
        value = given;
      } else if (d.text !== undefined) {
        text = d.text;
        try {
          value = JSON.parse(d.text) as JsonValue;
        } catch (e) {
          out.push({ path: '/data', reason: `is not valid JSON: ${(e as Error).message}` });
          return { kind: 'none' };
        }
      } else {
        value = (d as { value: JsonValue }).value;
        text = JSON.stringify(value) as string | undefined;
        if (text === undefined) {
          out.push({ path: '/data', reason: 'is not a JSON value' });
          return { kind: 'none' };
        }
      }
      if (valueDepth(value, DEFAULT_MAX_DEPTH) > DEFAULT_MAX_DEPTH - 1) out.push({ path: '/data', reason: `JSON nested deeper than ${DEFAULT_MAX_DEPTH - 1} levels` });
      return { kind: 'json', value, text };
    }
  }
}

