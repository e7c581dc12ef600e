// The streams of the buses: created, reconfigured and deleted with the bus (the cluster store
// calls these after the catalog commits), and read for a bus's sequence and size.
import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { Retention } from '../../types.js';
import type { StreamNames } from './names.js';

const MS_NS = 1_000_000;
/** JetStream's smallest duplicate window and MaxAge. */
const MIN_WINDOW_MS = 100;

/** Whether `err` is JetStream's "stream not found". */
export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

export interface BusStreamsOptions {
  /** The dedupe window (ingest.dedupeWindowMs); 0 turns deduplication off. */
  readonly dedupeWindowMs: number;
  /** Stream replicas (1 on a single server; 3 on a JetStream cluster). */
  readonly replicas: number;
}

/**
 * One stream per bus. Its limits are the bus's retention (MaxAge, MaxMsgs; the server removes
 * the oldest events as they pass them) and its duplicate window is the dedupe window, never
 * longer than MaxAge (the server requires it).
 */
export class BusStreams {
  readonly #jsm: JetStreamManager;
  readonly #names: StreamNames;
  readonly #opts: BusStreamsOptions;

  constructor(jsm: JetStreamManager, names: StreamNames, opts: BusStreamsOptions) {
    this.#jsm = jsm;
    this.#names = names;
    this.#opts = opts;
  }

  #limits(retention: Retention): { max_age: number; max_msgs: number; duplicate_window: number } {
    // JetStream's smallest MaxAge is its smallest window; a shorter age is kept by the sweep.
    const maxAgeNs = retention.maxAgeMs === null ? 0 : Math.max(retention.maxAgeMs, MIN_WINDOW_MS) * MS_NS;
    // With deduplication off no message id is sent; the window then only needs to be valid.
    let window = Math.max(this.#opts.dedupeWindowMs, MIN_WINDOW_MS) * MS_NS;
    if (maxAgeNs > 0) window = Math.min(window, maxAgeNs);
    return { max_age: maxAgeNs, max_msgs: retention.maxCount ?? -1, duplicate_window: window };
  }

  /** Creates the bus's stream, or brings its limits to `retention` when it exists. */
  async ensure(bus: string, retention: Retention): Promise<StreamInfo> {
    const name = this.#names.stream(bus);
    const limits = this.#limits(retention);
    try {
      const info = await this.#jsm.streams.info(name);
      const c = info.config;
      if (c.max_age === limits.max_age && c.max_msgs === limits.max_msgs && c.duplicate_window === limits.duplicate_window) return info;
      return await this.#jsm.streams.update(name, { ...c, ...limits });
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
    }
    return await this.#jsm.streams.add({
      name, subjects: [this.#names.wildcard(bus)], storage: StorageType.File, discard: DiscardPolicy.Old,
      num_replicas: this.#opts.replicas, allow_direct: true, ...limits,
    });
  }

  /** Deletes the bus's stream (and its events); false when there was none. */
  async delete(bus: string): Promise<boolean> {
    try {
      return await this.#jsm.streams.delete(this.#names.stream(bus));
    } catch (err) {
      if (isStreamNotFound(err)) return false;
      throw err;
    }
  }

  /** The stream's state, or undefined when the bus has no stream. */
  async state(bus: string): Promise<StreamInfo['state'] | undefined> {
    try {
      return (await this.#jsm.streams.info(this.#names.stream(bus))).state;
    } catch (err) {
      if (isStreamNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The buses that have a stream under this prefix. */
  async buses(): Promise<string[]> {
    const out: string[] = [];
    for await (const name of this.#jsm.streams.names()) {
      const bus = this.#names.busOfStream(name);
      if (bus !== undefined) out.push(bus);
    }
    return out;
  }
}
