// Writing an imported bus's events into its stream at their original sequences (docs/cluster.md,
// "Moving an embedded installation into a cluster"). JetStream assigns sequences itself, one after
// the other, so:
// - a bus whose retained events start at N > 1 (earlier ones swept) gets an empty stream purged up
//   to N (a purge to a sequence moves an empty stream's first sequence there; nats-server 2.9 has
//   no first_seq in the stream config);
// - a gap inside the log (events removed out of order) is filled by empty placeholder messages,
//   each deleted as soon as it is stored (the log recorder skips empty messages);
// - each publish's acknowledgement must name the sequence the event had; anything else (another
//   writer on the stream meanwhile) stops the import.
// Imported streams carry a marker in their description (`switchyard-import <export id>`): a stream
// with the marker of the same export is resumed after its last sequence, never written twice.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { SwitchyardError } from '../../../core/index.js';
import type { AppendItem, Retention } from '../../types.js';
import { encodeRecord } from './log-record.js';
import type { StreamNames } from './names.js';
import type { BusStreams } from './streams.js';

/** Dedupe chain hops an imported event may take (as the put path: see JetStreamEventLog). */
const MAX_DEDUPE_HOPS = 8;

const marker = (exportId: string): string => `switchyard-import ${exportId}`;

/** Where a bus's stream stands before the import writes it. */
export type BusLogState =
  | { readonly type: 'fresh' }
  | { readonly type: 'resumed'; readonly lastSeq: number }
  | { readonly type: 'conflict'; readonly lastSeq: number; readonly messages: number };

export interface LogImportDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: StreamNames;
  readonly streams: BusStreams;
  /** The dedupe window (ingest.dedupeWindowMs): 0 sends no message ids. */
  readonly dedupeWindowMs: number;
}

export class LogImport {
  readonly #d: LogImportDeps;
  readonly #exportId: string;
  /** Per bus being written: the stream's last sequence and whether it holds no message. */
  readonly #at = new Map<string, { last: number; empty: boolean }>();

  constructor(deps: LogImportDeps, exportId: string) {
    this.#d = deps;
    this.#exportId = exportId;
  }

  /** Whether the bus's stream can take this export's events: none yet, this export's own (resumed), or others' (a conflict). */
  async inspect(bus: string): Promise<BusLogState> {
    const name = this.#d.names.stream(bus);
    const state = await this.#d.streams.state(bus);
    if (state === undefined) return { type: 'fresh' };
    const info = await this.#d.jsm.streams.info(name);
    if (info.config.description === marker(this.#exportId)) return { type: 'resumed', lastSeq: state.last_seq };
    if (state.last_seq === 0) return { type: 'fresh' };
    return { type: 'conflict', lastSeq: state.last_seq, messages: state.messages };
  }

  /**
   * Makes the bus's stream ready for this export's events and answers the last sequence it holds
   * (events up to it are there already: a resumed import). `replace` deletes a stream holding
   * other events first.
   */
  async begin(bus: string, retention: Retention, replace: boolean): Promise<number> {
    const s = await this.inspect(bus);
    if (s.type === 'conflict') {
      if (!replace) throw new SwitchyardError('SWY_STORE_IMPORT_CONFLICT', `bus "${bus}" already has events in the cluster (up to sequence ${s.lastSeq})`);
      await this.#d.streams.delete(bus);
    }
    const info = await this.#d.streams.ensure(bus, retention);
    if (info.config.description !== marker(this.#exportId)) {
      await this.#d.jsm.streams.update(info.config.name, { ...info.config, description: marker(this.#exportId) });
    }
    const last = s.type === 'resumed' ? s.lastSeq : 0;
    const state = await this.#d.streams.state(bus);
    this.#at.set(bus, { last: state?.last_seq ?? last, empty: (state?.messages ?? 0) === 0 });
    return state?.last_seq ?? last;
  }

  /** Stores one event at `seq` (after the bus's last sequence; begin first). */
  async put(seq: number, it: AppendItem, receivedAt: number): Promise<void> {
    await this.advanceTo(it.bus, seq);
    const d = this.#d;
    const subject = d.names.subject(it.bus, it.source, it.id);
    const data = encodeRecord(it, receivedAt);
    const base = d.dedupeWindowMs > 0 ? d.names.msgId(it.source, it.id) : undefined;
    let msgID = base;
    for (let hop = 0; hop < MAX_DEDUPE_HOPS; hop++) {
      const ack = await d.js.publish(subject, data, { ...(msgID === undefined ? {} : { msgID }), expect: { streamName: d.names.stream(it.bus) } });
      if (!ack.duplicate) {
        this.#stored(it.bus, seq, ack.seq);
        return;
      }
      // An earlier event of the log with the same (source, id): the put path chains the id the
      // same way when the first is older than the window, so a later put finds this chain.
      msgID = `${base}@${ack.seq}`;
    }
    throw new Error(`dedupe chain of ${it.bus}/${it.id} longer than ${MAX_DEDUPE_HOPS}`);
  }

  /** Makes the bus's next stored sequence `next`: an empty stream is moved there, a gap filled with deleted placeholders. */
  async advanceTo(bus: string, next: number): Promise<void> {
    const at = this.#at.get(bus);
    if (at === undefined) throw new Error(`bus "${bus}" was not begun`);
    if (at.last + 1 >= next) return;
    const name = this.#d.names.stream(bus);
    if (at.empty) {
      await this.#d.jsm.streams.purge(name, { seq: next });
      at.last = next - 1;
      return;
    }
    while (at.last + 1 < next) {
      const ack = await this.#d.js.publish(this.#d.names.gapSubject(bus), new Uint8Array(0), { expect: { streamName: name } });
      this.#stored(bus, at.last + 1, ack.seq);
      await this.#d.jsm.streams.deleteMessage(name, ack.seq, false);
    }
  }

  #stored(bus: string, want: number, got: number): void {
    const at = this.#at.get(bus)!;
    if (got !== want) {
      throw new Error(`bus "${bus}": the event for sequence ${want} was stored at ${got}; something else writes to the bus's stream (stop the cluster's nodes during an import)`);
    }
    at.last = got;
    at.empty = false;
  }
}
