// A stand-in for the cluster's event log in the PostgreSQL ports' tests: the contract suites put
// events through `store.events.append`, and the JetStream log (src/store/cluster, cluster-js)
// is another part's. It keeps event bodies in memory and does everything else through the ports
// under test — sequences from `buses.next_seq`, dedupe and reads from the event index, the
// index and deliveries recorded by `recordAppended` — so the suites exercise PostgreSQL, not
// this file. One append at a time (a real log orders concurrent appends itself).
import type { AppendItem, AppendOutcome, EventLog, EventPage, EventQuery, StoredEvent } from '../../types.js';
import type { Clock } from '../../../core/index.js';
import type { EventBodies } from './event-bodies.js';
import type { PostgresPorts } from './postgres-ports.js';
import type { AppendedEntry } from './index.js';

/** Bodies by `bus\0seq`; kept across reopens of the ports (the log outlives a node). */
export class MemoryBodies implements EventBodies {
  readonly map = new Map<string, string>();

  async read(bus: string, sequences: readonly number[]): Promise<ReadonlyMap<number, string>> {
    const out = new Map<number, string>();
    for (const s of sequences) {
      const b = this.map.get(`${bus}\u0000${s}`);
      if (b !== undefined) out.set(s, b);
    }
    return out;
  }
}

export class StandInEventLog implements EventLog {
  readonly #ports: () => PostgresPorts;
  readonly #clock: Clock;
  readonly #window: number;
  readonly #bodies: MemoryBodies;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(ports: () => PostgresPorts, clock: Clock, dedupeWindowMs: number, bodies: MemoryBodies) {
    this.#ports = ports;
    this.#clock = clock;
    this.#window = dedupeWindowMs;
    this.#bodies = bodies;
  }

  async append(items: readonly AppendItem[]): Promise<AppendOutcome[]> {
    const run = this.#chain.then(() => this.#append(items));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  readonly #keyed = new Map<string, AppendOutcome>();

  /**
   * The idempotent append of transaction commits (CommittedAppender), as JetStream's
   * `Nats-Msg-Id` dedupe gives it: item n under `${key}/${n}` is stored once; again, it answers
   * the first outcome.
   */
  async appendKeyed(key: string, items: readonly AppendItem[]): Promise<AppendOutcome[]> {
    const fresh = items.map((it, n) => ({ it, k: `${key}/${n}` })).filter(({ k }) => !this.#keyed.has(k));
    const outcomes = await this.append(fresh.map(({ it }) => it));
    fresh.forEach(({ k }, i) => this.#keyed.set(k, outcomes[i]!));
    return items.map((_it, n) => this.#keyed.get(`${key}/${n}`)!);
  }

  async #append(items: readonly AppendItem[]): Promise<AppendOutcome[]> {
    const ports = this.#ports();
    const now = this.#clock.now();
    const next = new Map<string, number | null>();
    const firstInBatch = new Map<string, number>();
    const out: AppendOutcome[] = [];
    const entries: AppendedEntry[] = [];
    for (const it of items) {
      if (!next.has(it.bus)) next.set(it.bus, (await ports.catalog.buses.get(it.bus))?.nextSequence ?? null);
      const seq = next.get(it.bus);
      if (seq === null || seq === undefined) {
        out.push({ type: 'rejected', code: 'SWY_STORE_BUS_NOT_FOUND', message: `bus "${it.bus}" does not exist` });
        continue;
      }
      const key = `${it.bus}\u0000${it.source}\u0000${it.id}`;
      if (this.#window > 0) {
        const prior = firstInBatch.get(key) ?? (await ports.pool.query<{ seq: number }>(
          'SELECT seq FROM event_index WHERE bus = $1 AND md5(id) = md5($3) AND source = $2 AND id = $3 AND received_at > $4 ORDER BY seq LIMIT 1',
          [it.bus, it.source, it.id, now - this.#window])).rows[0]?.seq;
        if (prior !== undefined) {
          out.push({ type: 'duplicate', sequence: prior, receivedAt: now });
          continue;
        }
        firstInBatch.set(key, seq);
      }
      next.set(it.bus, seq + 1);
      this.#bodies.map.set(`${it.bus}\u0000${seq}`, it.body);
      entries.push({
        event: {
          bus: it.bus, sequence: seq, receivedAt: now, id: it.id, source: it.source, type: it.type, subject: it.subject ?? null,
          time: it.time ?? null, mode: it.mode, size: it.size, matchedRules: it.matchedRules, body: it.body, client: it.client ?? null,
          traceparent: it.traceparent ?? null, via: it.via ?? null,
        },
        deliveries: it.deliveries ?? [],
        deliverAt: it.deliverAt,
        archives: it.archives,
      });
      out.push({ type: 'stored', sequence: seq, receivedAt: now });
    }
    await ports.recordAppended(entries);
    return out;
  }

  async get(bus: string, id: string, source?: string): Promise<StoredEvent | undefined> {
    return this.#ports().observe.find(bus, id, source);
  }

  async list(query: EventQuery): Promise<EventPage> {
    return this.#ports().observe.search(query);
  }

  async count(bus: string): Promise<number> {
    return this.#ports().observe.count(bus);
  }
}
