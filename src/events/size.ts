import type { CloudEvent } from './types.js';

const CORE_OPTIONAL = ['datacontenttype', 'dataschema', 'subject', 'time'] as const;

/**
 * The size of an event for the per-event limit (`maxEventBytes`), the same whatever mode it came
 * in: the UTF-8 byte length of every attribute name and of its value's canonical string form
 * (core and extensions), plus the data bytes (JSON text as received, the text's UTF-8 bytes, or
 * the raw binary bytes — never base64). JSON punctuation and whitespace between attributes do
 * not count, so a binary-mode and a structured-mode copy of one event have the same size.
 *
 * @example eventSize(createEvent({ id: '1', source: '/s', type: 't' })) // 2+1 + 6+2 + 4+1 + 11+3 = 30
 */
export function eventSize(ev: CloudEvent): number {
  let n =
    2 + Buffer.byteLength(ev.id) + 6 + Buffer.byteLength(ev.source) + 4 + Buffer.byteLength(ev.type) + 11 + 3; // id, source, type, specversion
  for (const k of CORE_OPTIONAL) {
    const v = ev[k];
    if (v !== undefined) n += k.length + Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(ev.extensions)) {
    n += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : String(v).length);
  }
  const d = ev.data;
  switch (d.kind) {
    case 'none':
      return n;
    case 'json':
    case 'text':
      return n + Buffer.byteLength(d.text);
    case 'binary':
      return n + d.bytes.byteLength;
  }
}
