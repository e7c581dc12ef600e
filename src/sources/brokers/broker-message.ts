import { SwitchyardError, isSwitchyardError, type JsonObject, type JsonValue } from '../../core/index.js';
import { BATCH_MEDIA_TYPE, STRUCTURED_MEDIA_TYPE, decodeHttpRequest, type CloudEvent, type ContentMode } from '../../events/index.js';
import type { DeadMessage } from '../../store/index.js';
import type { SourceRun } from '../types.js';

/**
 * One message as a broker kind received it, protocol-neutral. `ceHeaders` holds the CloudEvents
 * binary-mode attributes in the HTTP binding's form (`ce-<name>`, values percent-encoded), which
 * each kind translates from its own binding (NATS `ce-` headers, AMQP `cloudEvents:` properties,
 * MQTT 5 user properties, Redis `ce-` fields).
 */
export interface ReceivedMessage {
  /** The subject, topic, queue, stream or channel it came from. */
  readonly origin: string;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly ceHeaders: Readonly<Record<string, string>>;
  /** Every header or property as text (the mapping document's `headers`; kept with a dead letter). */
  readonly headers: Readonly<Record<string, string>>;
  /** An id the broker keeps across redeliveries, for a mapped event without one. */
  readonly defaultId?: string | undefined;
  /** What else the mapping document shows (`subject`, `topic`, `queue`, `stream`, `entryId`, …). */
  readonly meta: JsonObject;
}

export interface BrokerLimits {
  readonly maxEventBytes: number;
  readonly maxBatchEvents: number;
  readonly maxJsonDepth: number;
}

/** How much of a poison message's body a dead letter keeps. */
const DEAD_BODY_BYTES = 256 * 1024;

const mediaType = (ct: string | undefined): string | undefined => ct?.split(';', 1)[0]?.trim().toLowerCase();

/** True when the message is a CloudEvent in the protocol's binding (structured, batch or binary mode). */
export function isCloudEventMessage(m: ReceivedMessage): boolean {
  const mt = mediaType(m.contentType);
  return mt === STRUCTURED_MEDIA_TYPE || mt === BATCH_MEDIA_TYPE || m.ceHeaders['ce-specversion'] !== undefined;
}

/**
 * The events of one message: decoded by the CloudEvents binding when it is a CloudEvent (its
 * mode returned), else built by the source's mapping (no mode). A message that is neither a
 * valid CloudEvent nor mappable throws a coded SwitchyardError: a poison message.
 */
export function messageEvents(m: ReceivedMessage, run: SourceRun<unknown>, kind: string, limits: BrokerLimits): { events: CloudEvent[]; mode: ContentMode | undefined } {
  if (m.body.length > limits.maxEventBytes) {
    throw new SwitchyardError('SWY_EVENT_TOO_LARGE', `the message is ${m.body.length} bytes; limits.maxEventBytes is ${limits.maxEventBytes}`);
  }
  if (isCloudEventMessage(m)) {
    const headers: Record<string, string> = { ...m.ceHeaders };
    if (m.contentType !== undefined) headers['content-type'] = m.contentType;
    const d = decodeHttpRequest({ contentType: m.contentType, headers, body: m.body }, { maxEventBytes: limits.maxEventBytes, maxBatchEvents: limits.maxBatchEvents, maxDepth: limits.maxJsonDepth });
    return { events: d.events, mode: d.mode };
  }
  const doc: JsonObject = { ...m.meta, headers: { ...m.headers }, body: run.mapping.readsBody ? parsedBody(m) : null };
  const ev = run.mapping.apply({ doc, body: m.body, contentType: m.contentType }, {
    name: run.name, bus: run.bus, defaultType: `switchyard.${kind}.message`, now: run.clock.now(), defaultId: m.defaultId,
  });
  return { events: [ev], mode: undefined };
}

function parsedBody(m: ReceivedMessage): JsonValue {
  if (m.body.length === 0) return null;
  const text = m.body.toString('utf8');
  const mt = mediaType(m.contentType);
  if (mt === undefined || mt === 'application/json' || mt.endsWith('+json')) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}

/** The message as a dead letter keeps it. */
export function deadMessage(m: ReceivedMessage): DeadMessage {
  const truncated = m.body.length > DEAD_BODY_BYTES;
  return {
    origin: m.origin, headers: { ...m.headers, ...m.ceHeaders }, contentType: m.contentType ?? null,
    body: (truncated ? m.body.subarray(0, DEAD_BODY_BYTES) : m.body).toString('base64'), truncated,
  };
}

/** What to do with the broker message once Switchyard has dealt with it. */
export type Settlement =
  | { readonly type: 'ack' }
  /** Not committed (the store or the bus is unavailable): leave it for redelivery, after a pause. */
  | { readonly type: 'retry'; readonly error: unknown };

/** Codes of a put that failed for the source as a whole: the message is fine, Switchyard is not. */
const TRANSIENT = new Set(['SWY_STORE_BUS_NOT_FOUND', 'SWY_STORE_UNAVAILABLE', 'SWY_INGEST_STORE_FAILED']);

/**
 * Takes one message, at least once: the events are committed (or the message dead-lettered with
 * its reason) before the answer is `ack`; anything not known to be committed answers `retry`.
 * A duplicate (the same CloudEvent, or a redelivered message with the same default id) is
 * acknowledged: the store already holds it.
 */
export async function takeMessage(m: ReceivedMessage, run: SourceRun<unknown>, kind: string, limits: BrokerLimits): Promise<Settlement> {
  run.received(1);
  let decoded: { events: CloudEvent[]; mode: ContentMode | undefined };
  try {
    decoded = messageEvents(m, run, kind, limits);
  } catch (err) {
    return poison(m, run, err);
  }
  try {
    await run.put(decoded.events, { ...(decoded.mode === undefined ? {} : { mode: decoded.mode }), client: m.origin });
    return { type: 'ack' };
  } catch (err) {
    if (isSwitchyardError(err) && !TRANSIENT.has(err.code)) return poison(m, run, err);
    return { type: 'retry', error: err };
  }
}

async function poison(m: ReceivedMessage, run: SourceRun<unknown>, err: unknown): Promise<Settlement> {
  if (!isSwitchyardError(err)) return { type: 'retry', error: err };
  const details = err.violations.length > 0 ? `: ${err.violations.map((v) => `${v.path}: ${v.reason}`).join('; ')}` : '';
  try {
    await run.deadLetter(deadMessage(m), { code: err.code, reason: `${err.message}${details}`.slice(0, 4096) });
    return { type: 'ack' };
  } catch (e) {
    return { type: 'retry', error: e };
  }
}
