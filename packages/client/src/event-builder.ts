import type { CloudEvent, CloudEventInput } from './types.js';

/** A random UUID (v4) from Web Crypto. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * A complete CloudEvent from what a producer knows: `specversion` 1.0, a fresh UUID as `id`
 * and the current time as `time` unless given. Keep the returned event to retry a put: the
 * server deduplicates by (source, id), so the same id is never stored twice.
 *
 * @example
 * const e = cloudEvent({ source: '/shop', type: 'order.created', data: { id: 7 } });
 */
export function cloudEvent(input: CloudEventInput, now: () => Date = () => new Date()): CloudEvent {
  return {
    ...input,
    specversion: input.specversion ?? '1.0',
    id: input.id ?? newId(),
    time: input.time ?? now().toISOString(),
  } as CloudEvent;
}
