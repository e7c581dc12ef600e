import type { JsonValue, Violation } from '../../core/index.js';
import { toJsonFormat, parseStoredEvent, serializeEvent } from '../../events/index.js';
import { compilePath, type CompiledPath } from '../../transform/index.js';
import type { OutboundMessage, SendOutcome, Target } from '../target.js';

/** Most messages one event may split into. */
export const MAX_SPLIT = 1000;

export function checkSplit(v: unknown, path: string, out: Violation[]): void {
  if (v === undefined) return;
  if (typeof v !== 'string') {
    out.push({ path: `${path}/split`, reason: 'must be a JSONPath to an array (e.g. "$.data.items")' });
    return;
  }
  const c = compilePath(v);
  if (!c.ok) out.push({ path: `${path}/split`, reason: `invalid JSONPath "${v.slice(0, 100)}": ${c.reason}` });
}

/**
 * `split`: one message per element of the array the path selects in the delivered event (for
 * `sendAs: body`, in `{ "data": <the body> }`). Element i becomes the data of a copy of the event
 * whose id is `<id>-<i>` (a raw body: the element as JSON), delivered with the delivery id
 * `<delivery id>-<i>`, one at a time and in order: FIFO within the event. The send succeeds when
 * every element was delivered; a failure stops it and the retry sends every element again
 * (receivers dedupe on the delivery id).
 */
export class SplitTarget implements Target {
  readonly kind: string;
  readonly #inner: Target;
  readonly #path: CompiledPath;

  constructor(inner: Target, path: string) {
    this.kind = inner.kind;
    this.#inner = inner;
    this.#path = (compilePath(path) as { ok: true; path: CompiledPath }).path;
  }

  #expand(m: OutboundMessage): OutboundMessage[] | string {
    const o = m.outbound;
    let root: JsonValue;
    if (o.type === 'event') root = toJsonFormat(o.event);
    else {
      try {
        root = { data: JSON.parse(o.body) as JsonValue };
      } catch {
        root = { data: o.body };
      }
    }
    const items = this.#path.select(root);
    if (!Array.isArray(items)) return `split: ${this.#path.text} does not select an array in event ${m.eventId}`;
    if (items.length > MAX_SPLIT) return `split: ${items.length} elements; at most ${MAX_SPLIT}`;
    return items.map((item, i) => {
      const deliveryId = `${m.deliveryId}-${i}`;
      if (o.type === 'raw') return { ...m, deliveryId, outbound: { type: 'raw', body: JSON.stringify(item), contentType: 'application/json' } };
      const ev = o.event;
      const json = JSON.stringify(item);
      const copy = parseStoredEvent(serializeEvent({ ...ev, id: `${ev.id}-${i}`, datacontenttype: 'application/json', data: { kind: 'json', value: item, text: json } }));
      return { ...m, deliveryId, eventId: copy.id, outbound: { type: 'event', event: copy } };
    });
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const parts: OutboundMessage[] = [];
    for (const m of messages) {
      const e = this.#expand(m);
      if (typeof e === 'string') return { type: 'failed', durationMs: performance.now() - started, errorClass: 'rejected', message: e };
      parts.push(...e);
    }
    if (parts.length === 0) return { type: 'delivered', durationMs: performance.now() - started, note: 'split: the array is empty; nothing to send' };
    let status: number | undefined;
    for (const p of parts) {
      const o = await this.#inner.send([p], signal);
      if (o.type === 'failed') return { ...o, durationMs: performance.now() - started, message: `element ${p.deliveryId}: ${o.message}` };
      status = o.status;
    }
    return { type: 'delivered', durationMs: performance.now() - started, ...(status === undefined ? {} : { status }), note: `split into ${parts.length} message(s)` };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
