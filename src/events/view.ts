import type { JsonObject } from '../core/index.js';
import { attributesObject } from './json-format.js';
import type { CloudEvent } from './types.js';

/**
 * The JSON form that filters (event patterns, CESQL) and transformers see: every context
 * attribute at top level (core and extensions), and `data` as the parsed value for JSON data or
 * the string for text data. Binary data is absent: patterns cannot look inside bytes.
 *
 * @example eventJsonView(ev) // { specversion: '1.0', id: '1', source: '/s', type: 't', data: { n: 1 } }
 */
export function eventJsonView(ev: CloudEvent): JsonObject {
  const o = attributesObject(ev);
  if (ev.data.kind === 'json') o['data'] = ev.data.value;
  else if (ev.data.kind === 'text') o['data'] = ev.data.text;
  return o;
}
