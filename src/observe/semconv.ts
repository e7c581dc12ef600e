/**
 * The OpenTelemetry messaging semantic conventions as Switchyard's spans use them
 * (docs/observability.md): span names `{messaging.operation.name} {messaging.destination.name}`,
 * the destination being the bus, and these attributes.
 *
 * | span | kind | messaging.operation.type | messaging.operation.name |
 * |---|---|---|---|
 * | `send <bus>` — a put request | server | `send` | `send` |
 * | `match <bus>` — its events matched against the rules | internal | `process` | `match` |
 * | `deliver <bus>` — one delivery attempt to a target | client | `send` | `deliver` |
 *
 * A delivery's target is its subscription: `messaging.destination.subscription.name` is
 * `<rule>/<target>`.
 */
export const MESSAGING_SYSTEM = 'switchyard';

export const ATTR = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  subscription: 'messaging.destination.subscription.name',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  errorType: 'error.type',
} as const;

/** `{operation} {destination}`, or the operation alone when the destination is unknown. */
export const spanName = (operation: string, bus: string | undefined): string => (bus === undefined ? operation : `${operation} ${bus}`);

/** error.type of a failed attempt: its HTTP status, or `_OTHER` (the convention's fallback) without one. */
export const deliverErrorType = (status: number | null): string => (status === null ? '_OTHER' : String(status));
