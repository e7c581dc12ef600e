// A producer using the `cloudevents` npm package that never loses an event silently
// (docs/producers.md). The SDK's own httpTransport resolves whatever the status — a 404 for a
// misspelt bus, a 400 for an invalid event, a 503 while the store is unwritable — so this
// transport sends the SDK's HTTP message with fetch and rejects on anything but a 2xx.
import { CloudEvent, HTTP, emitterFor, Mode, type Message, type Options } from 'cloudevents';

/** A non-2xx answer: its status and Switchyard's problem+json (`code`, `detail`, `violations`). */
export class PutRejected extends Error {
  constructor(readonly status: number, readonly problem: { code?: string; detail?: string; violations?: unknown[] } | undefined) {
    super(`Switchyard answered ${status}${problem?.code === undefined ? '' : ` ${problem.code}`}${problem?.detail === undefined ? '' : `: ${problem.detail}`}`);
    this.name = 'PutRejected';
  }
}

/** A transport for the SDK's emitterFor(): POSTs the message to the bus and checks the status. */
export function checkedTransport(busUrl: string) {
  return async (message: Message, options?: Options): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(busUrl, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), ...((options?.headers as Record<string, string> | undefined) ?? {}) },
      body: message.body as string,
    });
    const text = await res.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    // 202 Accepted: the event is durable. Anything else: it was not stored.
    if (!res.ok) throw new PutRejected(res.status, body as PutRejected['problem']);
    return { status: res.status, body };
  };
}

/** `emit(event)` resolves only once Switchyard stored the event, and rejects otherwise. */
export function switchyardEmitter(baseUrl: string, bus: string, mode: Mode = Mode.BINARY) {
  return emitterFor(checkedTransport(`${baseUrl}/v1/buses/${encodeURIComponent(bus)}/events`), { binding: HTTP, mode });
}

// Usage:
//   const emit = switchyardEmitter('http://127.0.0.1:8080', 'orders');
//   await emit(new CloudEvent({ source: '/shop', type: 'order.created', data: { id: 42 } }));
export { CloudEvent };
