// Deliveries derived from the log: a durable JetStream consumer per bus stream, shared by every
// node, records each event (its index row, its deliveries, the catalogue count) into PostgreSQL
// and acknowledges the message only after that commit. The node that appended the event records
// it too, before its 2xx (read-your-writes, and FIFO order for a producer that waits for each
// answer); recording is idempotent per (bus, sequence[, rule, target]), so whichever comes
// first wins and the other is a no-op. A node dying between the publish acknowledgement and its
// own recording loses nothing: the message stays unacknowledged and is recorded by any node.
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { NatsLink } from './nats-link.js';
import type { StreamNames } from './jetstream/names.js';
import { decodeRecord, type LogRecord } from './jetstream/log-record.js';
import { isStreamNotFound } from './jetstream/streams.js';
import type { StoreLog } from '../write-health.js';

/** The durable consumer's name on every bus stream. */
export const RECORDER = 'recorder';
const MS_NS = 1_000_000;
const textDecoder = new TextDecoder();

export interface LogRecorderOptions {
  readonly link: NatsLink;
  readonly names: StreamNames;
  /** Records events idempotently; rejects when they could not be recorded (they are redelivered). */
  readonly record: (records: readonly LogRecord[]) => Promise<void>;
  readonly log: StoreLog;
  /** Messages per fetch (default 256). */
  readonly batch?: number;
  /** How long a fetch waits for messages (default 1000 ms). */
  readonly fetchWaitMs?: number;
  /** A message taken by a node that died is handed to another after this (default 10 s). */
  readonly ackWaitMs?: number;
}

/** One loop per bus on this node; all nodes' loops share each bus's durable consumer. */
export class LogRecorder {
  readonly #o: LogRecorderOptions;
  readonly #loops = new Map<string, LoopState>();
  #stopped = false;

  constructor(opts: LogRecorderOptions) {
    this.#o = opts;
  }

  /** Follows the bus's stream (no-op when already following). */
  follow(bus: string): void {
    if (this.#stopped || this.#loops.has(bus)) return;
    const state: LoopState = { stopped: false, done: Promise.resolve(), fetching: undefined };
    state.done = this.#loop(bus, state);
    this.#loops.set(bus, state);
  }

  /** Stops following the bus (deleted). */
  unfollow(bus: string): void {
    const s = this.#loops.get(bus);
    if (s !== undefined) halt(s);
    this.#loops.delete(bus);
  }

  async #ensureConsumer(stream: string): Promise<void> {
    await this.#o.link.jsm.consumers.add(stream, {
      durable_name: RECORDER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
      ack_wait: (this.#o.ackWaitMs ?? 10_000) * MS_NS, max_ack_pending: 20_000,
    });
  }

  async #loop(bus: string, state: LoopState): Promise<void> {
    const stream = this.#o.names.stream(bus);
    let backoff = 250;
    let ready = false;
    while (!state.stopped && !this.#stopped) {
      try {
        if (!ready) {
          await this.#ensureConsumer(stream);
          ready = true;
        }
        const consumer = await this.#o.link.js.consumers.get(stream, RECORDER);
        const msgs = await consumer.fetch({ max_messages: this.#o.batch ?? 256, expires: this.#o.fetchWaitMs ?? 1000 });
        state.fetching = msgs;
        const batch: JsMsg[] = [];
        for await (const m of msgs) batch.push(m);
        state.fetching = undefined;
        // Stopped while fetching: what came is left unacknowledged, for another node.
        if (state.stopped || this.#stopped) break;
        if (batch.length > 0) await this.#recordBatch(bus, batch);
        backoff = 250;
      } catch (err) {
        // A stream not made yet (the bus's change can arrive first) is waited for quietly.
        if (isStreamNotFound(err)) ready = false;
        else if (!this.#stopped && !state.stopped) this.#o.log.warn({ err, bus }, 'log recorder: fetch failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  async #recordBatch(bus: string, batch: readonly JsMsg[]): Promise<void> {
    const records: LogRecord[] = [];
    for (const m of batch) {
      // An import's gap placeholder (jetstream/log-import.ts), deleted right after it was stored.
      if (m.data.length === 0) continue;
      try {
        records.push(decodeRecord(bus, m.seq, textDecoder.decode(m.data)));
      } catch (err) {
        // Not written by a node (a stray publish on the stream's subjects): nothing to record.
        this.#o.log.error({ err, bus, seq: m.seq }, 'log recorder: undecodable message skipped');
      }
    }
    try {
      await this.#o.record(records);
    } catch (err) {
      for (const m of batch) m.nak(1000);
      throw err;
    }
    for (const m of batch) m.ack();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const loops = [...this.#loops.values()];
    for (const l of loops) halt(l);
    this.#loops.clear();
    await Promise.allSettled(loops.map((l) => l.done));
  }
}

interface LoopState {
  stopped: boolean;
  done: Promise<void>;
  /** The fetch waiting now: stopped at once on close instead of waiting for its expiry. */
  fetching: { stop(err?: Error): void } | undefined;
}

function halt(s: LoopState): void {
  s.stopped = true;
  s.fetching?.stop();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
