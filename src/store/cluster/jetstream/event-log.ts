// The event log on NATS JetStream: one stream per bus; an append resolves after JetStream's
// publish acknowledgement (so the producer's 2xx follows it); the bus sequence is the stream
// sequence; (source, id) is deduplicated by the stream's duplicate window.
import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import { SwitchyardError, type Clock } from '../../../core/index.js';
import type { AppendItem, AppendOutcome, EventLog, EventPage, EventQuery, Retention, StoredEvent } from '../../types.js';
import { decodeRecord, encodeRecord, type LogRecord } from './log-record.js';
import type { StreamNames } from './names.js';
import { isStreamNotFound, type BusStreams } from './streams.js';
import { unavailable } from '../engine-fault.js';

/** Most dedupe hops for one item (see #publish); each is a window that has passed by the clock. */
const MAX_DEDUPE_HOPS = 8;
/** A filtered list examines at most this many events per call and then answers a cursor. */
const LIST_MAX_SCAN = 10_000;
/** Direct gets in flight at once while reading a range. */
const READ_PARALLEL = 128;

const textDecoder = new TextDecoder();

export interface JetStreamEventLogDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: StreamNames;
  readonly streams: BusStreams;
  readonly clock: Clock;
  readonly dedupeWindowMs: number;
  /** The bus's retention when the catalog has the bus (a stream missing for it is then created), else undefined. */
  readonly busRetention: (bus: string) => Promise<Retention | undefined>;
  /** Whether the connection to NATS is up now: while it is not, appends fail at once instead of waiting for a timeout. */
  readonly connected: () => boolean;
  /** The NATS server's largest message (bytes), when known. */
  readonly maxPayload: () => number | undefined;
  /** Told of each engine failure of an append (false) and of each success (true): readiness follows it. */
  readonly health: (ok: boolean, err?: unknown) => void;
}

export const logUnavailable = (cause: unknown): SwitchyardError => unavailable('nats', cause);

/**
 * Dedupe: the message id is derived from (source, id), so JetStream refuses a repeat inside its
 * duplicate window and names the first sequence. The window is the server's, on its clock; the
 * store's contract counts the window on the injected clock. Where the two disagree (the first
 * event is older than the window by the clock, but the server still remembers its id) the item
 * is published again under an id chained to the sequence it repeats (`<id>@<seq>`), which stays
 * deterministic: a retried put lands on the same chain and is refused there.
 */
export class JetStreamEventLog implements EventLog {
  readonly #d: JetStreamEventLogDeps;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(deps: JetStreamEventLogDeps) {
    this.#d = deps;
  }

  append(items: readonly AppendItem[]): Promise<AppendOutcome[]> {
    if (this.#closed) return Promise.reject(new SwitchyardError('SWY_STORE_CLOSED', 'the event log is closed'));
    if (items.length === 0) return Promise.resolve([]);
    if (!this.#d.connected()) {
      const err = logUnavailable(new Error('not connected to NATS'));
      this.#d.health(false, err);
      return Promise.reject(err);
    }
    const p = this.#append(items);
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  async #append(items: readonly AppendItem[]): Promise<AppendOutcome[]> {
    const now = this.#d.clock.now();
    // Too large for the NATS server (its max_payload, 1 MiB by default): the producer's error, not
    // an outage; checked before anything is published, so nothing of the request is stored.
    const max = this.#d.maxPayload();
    if (max !== undefined) {
      // Encoded only when it could be near the limit (at most 3 bytes per UTF-16 unit, 64 KiB of metadata).
      const over = items.filter((it) => it.body.length * 3 + 65_536 > max && Buffer.byteLength(encodeRecord(it, now)) > max);
      if (over.length > 0) {
        throw new SwitchyardError('SWY_EVENT_TOO_LARGE', `${over.length} event(s) larger than the NATS server's max_payload (${max} bytes); raise max_payload or lower limits.maxEventBytes`, {
          violations: over.map((it) => ({ path: `/${it.id}`, reason: `larger than the event log's message limit (${max} bytes)` })),
        });
      }
    }
    // Publishes go out in item order on one connection, so JetStream assigns sequences in that order.
    const settled = await Promise.allSettled(items.map((it) => this.#publish(it, now)));
    const out: AppendOutcome[] = [];
    let failure: unknown;
    for (const s of settled) {
      if (s.status === 'fulfilled') out.push(s.value);
      else failure ??= s.reason;
    }
    if (failure !== undefined) {
      // Some items may have been stored: the producer's retry is deduplicated by their ids.
      const err = failure instanceof SwitchyardError ? failure : logUnavailable(failure);
      if (err.code === 'SWY_STORE_UNAVAILABLE') this.#d.health(false, err);
      throw err;
    }
    this.#d.health(true);
    return out;
  }

  async #publish(it: AppendItem, now: number): Promise<AppendOutcome> {
    const d = this.#d;
    const subject = d.names.subject(it.bus, it.source, it.id);
    const data = encodeRecord(it, now);

    const window = d.dedupeWindowMs;
    let msgID = window > 0 ? d.names.msgId(it.source, it.id) : undefined;
    for (let hop = 0; hop < MAX_DEDUPE_HOPS; hop++) {
      const ack = await this.#publishOnce(it.bus, subject, data, msgID);
      if (ack === undefined) return { type: 'rejected', code: 'SWY_STORE_BUS_NOT_FOUND', message: `bus "${it.bus}" does not exist` };
      if (!ack.duplicate) return { type: 'stored', sequence: ack.seq, receivedAt: now };
      const first = await this.#read(it.bus, ack.seq);
      // Removed by retention meanwhile: still a repeat inside the server's window.
      if (first === undefined) return { type: 'duplicate', sequence: ack.seq, receivedAt: now };
      if (now - first.event.receivedAt < window) return { type: 'duplicate', sequence: ack.seq, receivedAt: first.event.receivedAt };
      msgID = `${d.names.msgId(it.source, it.id)}@${ack.seq}`;
    }
    throw logUnavailable(new Error(`dedupe chain of ${it.bus}/${it.id} longer than ${MAX_DEDUPE_HOPS}`));
  }

  /** One publish; undefined when the bus does not exist (its stream is created first when the catalog has it). */
  async #publishOnce(bus: string, subject: string, data: string, msgID: string | undefined): Promise<PubAck | undefined> {
    const opts = { ...(msgID === undefined ? {} : { msgID }), expect: { streamName: this.#d.names.stream(bus) } };
    try {
      return await this.#d.js.publish(subject, data, opts);
    } catch (err) {
      if (!(await this.#streamMissing(bus, err))) throw logUnavailable(err);
    }
    // The catalog commits a bus before its stream is made: a node that died in between, or a
    // stream deleted by hand, is repaired here. A bus the catalog does not have is refused.
    const retention = await this.#d.busRetention(bus);
    if (retention === undefined) return undefined;
    await this.#d.streams.ensure(bus, retention);
    try {
      return await this.#d.js.publish(subject, data, opts);
    } catch (err) {
      throw logUnavailable(err);
    }
  }

  /** After a failed publish: whether it failed because the bus has no stream (asked of the server). */
  async #streamMissing(bus: string, err: unknown): Promise<boolean> {
    if (isStreamNotFound(err)) return true;
    try {
      return (await this.#d.streams.state(bus)) === undefined;
    } catch {
      return false;
    }
  }

  /** The event at (bus, seq), or undefined when there is none (never stored, or removed by retention). */
  async #read(bus: string, seq: number): Promise<LogRecord | undefined> {
    return this.#getMessage(bus, { seq });
  }

  /** The log record of one event (trace and the delivery recorder read its origin and deliveries). */
  async record(bus: string, seq: number): Promise<LogRecord | undefined> {
    return this.#read(bus, seq);
  }

  async #getMessage(bus: string, query: { seq: number } | { last_by_subj: string }): Promise<LogRecord | undefined> {
    try {
      const m = await this.#d.jsm.direct.getMessage(this.#d.names.stream(bus), query);
      return m === null ? undefined : decodeRecord(bus, m.seq, textDecoder.decode(m.data));
    } catch (err) {
      if (isStreamNotFound(err) || isNoMessage(err)) return undefined;
      // A direct get to a stream that does not exist finds no responder (a timeout, not a 404).
      if ((await this.#d.streams.state(bus).catch(() => 'unknown' as const)) === undefined) return undefined;
      throw err;
    }
  }

  async get(bus: string, id: string, source?: string): Promise<StoredEvent | undefined> {
    const subject = source === undefined ? this.#d.names.idSubjects(bus, id) : this.#d.names.subject(bus, source, id);
    const r = await this.#getMessage(bus, { last_by_subj: subject });
    // The subject holds 64-bit hashes: a collision is told apart by the fields themselves.
    if (r === undefined || r.event.id !== id || (source !== undefined && r.event.source !== source)) return undefined;
    return r.event;
  }

  async list(q: EventQuery): Promise<EventPage> {
    const state = await this.#d.streams.state(q.bus);
    if (state === undefined || state.messages === 0) return { items: [] };
    const filtered = q.type !== undefined || q.source !== undefined || q.subject !== undefined || q.from !== undefined || q.to !== undefined;
    let seq = Math.max(state.first_seq, (q.after ?? 0) + 1);
    const items: StoredEvent[] = [];
    let scanned = 0;
    while (seq <= state.last_seq && items.length <= q.limit) {
      if (filtered && scanned >= LIST_MAX_SCAN) return { items, next: seq - 1 };
      const want = filtered ? READ_PARALLEL : Math.min(READ_PARALLEL, q.limit + 1 - items.length);
      const last = Math.min(state.last_seq, seq + want - 1);
      const batch = await Promise.all(Array.from({ length: last - seq + 1 }, (_, i) => this.#read(q.bus, seq + i)));
      for (const r of batch) {
        if (r !== undefined && matches(r.event, q)) items.push(r.event);
      }
      scanned += batch.length;
      seq = last + 1;
    }
    if (items.length > q.limit) {
      const page = items.slice(0, q.limit);
      return { items: page, next: page[page.length - 1]!.sequence };
    }
    return { items };
  }

  async count(bus: string): Promise<number> {
    return (await this.#d.streams.state(bus))?.messages ?? 0;
  }

  /** Refuses new appends and waits for those in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }
}

function matches(e: StoredEvent, q: EventQuery): boolean {
  return (q.type === undefined || e.type === q.type)
    && (q.source === undefined || e.source === q.source)
    && (q.subject === undefined || e.subject === q.subject)
    && (q.from === undefined || e.receivedAt >= q.from)
    && (q.to === undefined || e.receivedAt < q.to);
}

/** JetStream's "no message found" (404) on a get. */
function isNoMessage(err: unknown): boolean {
  const e = err as { code?: unknown; status?: unknown; message?: unknown };
  return e.status === 404 || e.code === 404 || e.code === 10037 || (typeof e.message === 'string' && /no message found/i.test(e.message));
}
