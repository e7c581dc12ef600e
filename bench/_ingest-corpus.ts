// The events of bench:ingest, shared by the load generator and the storage-ceiling run so both
// measure exactly the same bytes: a ~300-byte JSON order event with a unique id per put.
import { decodeHttpRequest, eventSize, serializeEvent, type CloudEvent } from '../src/events/index.js';
import type { AppendItem } from '../src/store/index.js';

const SOURCE = 'urn:bench:shop';
const TYPE = 'com.example.order.created';

/** The data of event `i`: the same shape every time, the values vary a little. */
export function dataText(i: number): string {
  return `{"order":{"id":${100000 + (i % 100000)},"status":"created","total":${(i % 997) + 0.95},"currency":"EUR",` +
    `"customer":{"id":"c-${i % 5000}","tier":"gold"},"lines":[{"sku":"SKU-1001","qty":2,"price":24.5},{"sku":"SKU-2040","qty":1,"price":69.95}]},` +
    `"channel":"web","tags":["promo-spring"]}`;
}

/** Binary-mode headers of one single-event put (body: dataText). */
export function binaryHeaders(id: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': SOURCE,
    'ce-type': TYPE,
    'ce-subject': 'orders',
    'ce-time': '2024-05-01T10:00:00.000Z',
  };
}

/** One event in the JSON format (for batch bodies). */
export function structuredEvent(id: string, i: number): string {
  return `{"specversion":"1.0","id":"${id}","source":"${SOURCE}","type":"${TYPE}","subject":"orders","time":"2024-05-01T10:00:00.000Z","datacontenttype":"application/json","data":${dataText(i)}}`;
}

/** A batch-mode body of `n` events with ids `${prefix}-0` … `${prefix}-(n-1)`. */
export function batchBody(prefix: string, n: number): string {
  let s = '[';
  for (let k = 0; k < n; k++) s += (k === 0 ? '' : ',') + structuredEvent(`${prefix}-${k}`, k);
  return `${s}]`;
}

/**
 * Append items for the storage ceiling, built the way ingest builds them (decoded by the codec,
 * serialized with serializeEvent) so the store writes the same rows as in the HTTP runs.
 */
export function appendItems(bus: string, prefix: string, n: number): AppendItem[] {
  const { events } = decodeHttpRequest(
    { contentType: 'application/cloudevents-batch+json', headers: {}, body: Buffer.from(batchBody(prefix, n)) },
    { maxEventBytes: 256 * 1024, maxBatchEvents: 10_000 },
  );
  return events.map((ev: CloudEvent) => ({
    bus, id: ev.id, source: ev.source, type: ev.type, subject: ev.subject, time: ev.time,
    body: serializeEvent(ev), size: eventSize(ev), mode: 'batch', matchedRules: [],
  }));
}
