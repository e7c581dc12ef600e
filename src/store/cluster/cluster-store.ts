// The cluster store (storage.kind: cluster): the event log in NATS JetStream, everything else in
// PostgreSQL (DESIGN.md §4, docs/cluster.md). Any number of identical nodes open it at once.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import type { BusCatalog, BusRecord, Catalog, Coordination, EventLog, RateLimits, Housekeeping, Store, AppendItem, AppendOutcome } from '../types.js';
import type { BreakerBoard } from '../breaker-types.js';
import type { DeliveryQueue, LeasedDelivery, DeadLetter } from '../delivery-types.js';
import type { ArchiveStore } from '../archive-types.js';
import type { ReplayStore } from '../replay-types.js';
import type { ConsumerStore } from '../consumer-types.js';
import type { TransactionLog } from '../transaction-types.js';
import type { SourceDeadLetterStore } from '../source-dead-letter-types.js';
import type { ObserveIndex } from '../observe-types.js';
import type { EventTypeCatalog } from '../event-type-types.js';
import { silentStoreLog, type StoreLog, type StoreWrites } from '../write-health.js';
import { openPostgresPorts, safeUrl, type PostgresPorts } from './postgres/index.js';
import { NatsLink } from './nats-link.js';
import { StreamNames } from './jetstream/names.js';
import { BusStreams } from './jetstream/streams.js';
import { JetStreamEventLog } from './jetstream/event-log.js';
import type { LogRecord } from './jetstream/log-record.js';
import { LogRecorder } from './log-recorder.js';
import { RecordBatcher } from './record-batcher.js';
import { EngineHealth } from './engine-health.js';
import { unavailable, unreachableAtStart } from './engine-fault.js';
import { Leadership } from './leadership.js';
import { PgRateLimits } from './rate-limits.js';
import { sweepLogByAge } from './jetstream/log-sweep.js';

export interface ClusterStoreOptions {
  /** NATS servers (storage.nats.servers), e.g. `nats://127.0.0.1:4222`. */
  readonly natsServers: readonly string[];
  /** Stream names start with this (storage.nats.streamPrefix); tests isolate with a random one. */
  readonly streamPrefix: string;
  /** Stream replicas (storage.nats.replicas: 1 on one server, 3 on a JetStream cluster). */
  readonly replicas: number;
  /** PostgreSQL (storage.postgres.url) and the schema holding the tables (storage.postgres.schema). */
  readonly postgresUrl: string;
  readonly postgresSchema: string;
  readonly clock: Clock;
  readonly dedupeWindowMs: number;
  readonly defaultRetentionMaxAgeMs: number;
  readonly sweepBatch: number;
  readonly maxTypesPerBus?: number;
  readonly log?: StoreLog;
  /** How long start waits for each engine before the node refuses to start (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** A JetStream request (publish acknowledgement, read) that takes longer fails with a 503 (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** Connections in this node's PostgreSQL pool (default 10). */
  readonly poolSize?: number;
}

const leaseKey = (d: { bus: string; seq: number }): string => `${d.bus}\u0000${d.seq}`;

/**
 * A node of the cluster store. `open` refuses (SWY_STORE_ENGINE_UNREACHABLE) when either engine
 * cannot be reached; once open, an engine going down makes the put path fail with
 * SWY_STORE_UNAVAILABLE (503) and `writes` report it (/readyz 503) until it is back.
 */
export class ClusterStore implements Store {
  readonly events: EventLog;
  readonly catalog: Catalog;
  readonly deliveries: DeliveryQueue;
  readonly observe: ObserveIndex;
  readonly eventTypes: EventTypeCatalog;
  readonly archives: ArchiveStore;
  readonly replays: ReplayStore;
  readonly consumers: ConsumerStore;
  readonly transactions: TransactionLog;
  readonly sourceDeadLetters: SourceDeadLetterStore;
  readonly housekeeping: Housekeeping;
  readonly coordination: Coordination;
  readonly rateLimits: RateLimits;
  /** Circuit breakers shared by every node (PostgreSQL, changes over LISTEN/NOTIFY). */
  readonly breakers: BreakerBoard;
  readonly writes: StoreWrites;
  /** This node's id (NOTIFY payloads, logs). */
  readonly nodeId: string;
  /** Held by one node of the cluster at a time: the retention sweep and other once-per-cluster work run there. */
  readonly leadership: Leadership;
  readonly #link: NatsLink;
  readonly #pg: PostgresPorts;
  readonly #log: JetStreamEventLog;
  readonly #recorder: LogRecorder;
  readonly #health: EngineHealth;
  readonly #streams: BusStreams;
  readonly #unwatch: () => void;
  readonly #batcher: RecordBatcher<LogRecord>;

  private constructor(parts: {
    link: NatsLink; pg: PostgresPorts; log: JetStreamEventLog; streams: BusStreams; names: StreamNames; health: EngineHealth;
    leadership: Leadership; opts: ClusterStoreOptions; nodeId: string; storeLog: StoreLog;
  }) {
    const { link, pg, log, streams, names, health, opts } = parts;
    this.nodeId = parts.nodeId;
    this.#link = link;
    this.#pg = pg;
    this.#log = log;
    this.#streams = streams;
    this.#health = health;
    this.leadership = parts.leadership;
    this.coordination = { leading: () => parts.leadership.leading };
    this.rateLimits = new PgRateLimits(pg.pool);
    this.breakers = pg.breakers;
    this.writes = health.writes;
    this.#batcher = new RecordBatcher((records) => this.#record(records), 2000);
    this.#recorder = new LogRecorder({ link, names, log: parts.storeLog, record: (records) => this.#recordMissing(records) });
    this.events = this.#eventLog();
    this.catalog = { ...pg.catalog, buses: this.#busCatalog(pg.catalog.buses), watch: (l) => pg.catalog.watch(l) };
    this.deliveries = this.#deliveryQueue(pg.deliveries);
    this.observe = pg.observe;
    this.eventTypes = pg.eventTypes;
    this.archives = pg.archives;
    this.replays = pg.replays;
    this.consumers = pg.consumers;
    this.transactions = pg.transactions;
    this.sourceDeadLetters = pg.sourceDeadLetters;
    this.housekeeping = {
      // Once per cluster: the leader sweeps. The log's streams drop events past MaxAge/MaxMsgs
      // themselves (on the server's clock); the sweep also removes, by the store's clock, what the
      // server has not removed yet, then the index rows of events no longer in the log.
      sweepRetention: async () => {
        if (!this.leadership.leading) return 0;
        const now = opts.clock.now();
        for (const b of await pg.catalog.buses.list()) {
          if (b.retention.maxAgeMs !== null) await sweepLogByAge(link.jsm, names.stream(b.name), now - b.retention.maxAgeMs, opts.sweepBatch);
        }
        // Archived copies past their archive's own retention; transaction commits whose node died
        // before appending them (their claim ended) are finished here (docs/cluster.md).
        await pg.archives.sweep(now, opts.sweepBatch);
        await pg.transactions.resumeCommits(now, 100);
        return pg.housekeeping.sweepRetention();
      },
      sizeBytes: () => pg.housekeeping.sizeBytes(),
    };
    // Follow every bus's stream with the recorder; buses made or removed by any node reach here.
    this.#unwatch = pg.catalog.watch((c) => {
      if (c.type !== 'bus') return;
      if (c.op === 'put') this.#recorder.follow(c.bus);
      else this.#recorder.unfollow(c.bus);
    });
    link.onChange((up) => (up ? health.up('nats') : health.down('nats', new Error('NATS connection lost'))));
  }

  /** Connects to both engines, migrates PostgreSQL, makes the streams of the buses and starts recording. */
  static async open(opts: ClusterStoreOptions): Promise<ClusterStore> {
    const storeLog = opts.log ?? silentStoreLog;
    const nodeId = randomUUID();
    const names = new StreamNames(opts.streamPrefix);
    const link = await NatsLink.open({
      servers: opts.natsServers, name: `switchyard-${nodeId}`, connectTimeoutMs: opts.connectTimeoutMs ?? 5000, requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
    });
    const streams = new BusStreams(link.jsm, names, { dedupeWindowMs: opts.dedupeWindowMs, replicas: opts.replicas });
    let pg: PostgresPorts;
    const holder: { log?: JetStreamEventLog; store?: ClusterStore } = {};
    try {
      pg = await openPostgresPorts({
        url: opts.postgresUrl, schema: opts.postgresSchema, clock: opts.clock, defaultRetentionMaxAgeMs: opts.defaultRetentionMaxAgeMs,
        log: storeLog, nodeId, sweepBatch: opts.sweepBatch, ...(opts.poolSize === undefined ? {} : { poolSize: opts.poolSize }),
        ...(opts.maxTypesPerBus === undefined ? {} : { maxTypesPerBus: opts.maxTypesPerBus }),
        nextSequence: async (bus) => {
          try {
            const s = await streams.state(bus);
            return s === undefined ? 1 : s.last_seq + 1;
          } catch {
            return undefined;
          }
        },
        eventBodies: { read: async (bus, seqs) => holder.log === undefined ? new Map() : readBodies(holder.log, bus, seqs) },
        // A transaction's commit appends through this node's put path: the log's (source, id)
        // message ids make a resumed commit's second append store nothing twice.
        appendCommitted: async (_key, items) => {
          if (holder.store === undefined) throw unavailable('nats', new Error('the event log is not open yet'));
          return holder.store.events.append(items);
        },
      });
    } catch (err) {
      await link.close();
      throw unreachableAtStart('postgres', safeUrl(opts.postgresUrl), err);
    }
    let leadership: Leadership | undefined;
    try {
      const health = new EngineHealth({ log: storeLog, now: () => opts.clock.now(), probePostgres: async () => void (await pg.pool.query('SELECT 1')) });
      leadership = await Leadership.start({ url: opts.postgresUrl, key: `switchyard:${opts.postgresSchema}:${opts.streamPrefix}`, log: storeLog });
      const log = new JetStreamEventLog({
        js: link.js, jsm: link.jsm, names, streams, clock: opts.clock, dedupeWindowMs: opts.dedupeWindowMs,
        busRetention: async (bus) => (await pg.catalog.buses.get(bus))?.retention,
        connected: () => link.up,
        maxPayload: () => link.nc.info?.max_payload,
        health: (ok, err) => (ok ? health.up('nats') : health.failed('nats', err)),
      });
      holder.log = log;
      const store = new ClusterStore({ link, pg, log, streams, names, health, leadership, opts, nodeId, storeLog });
      holder.store = store;
      for (const b of await pg.catalog.buses.list()) {
        await streams.ensure(b.name, b.retention);
        store.#recorder.follow(b.name);
      }
      return store;
    } catch (err) {
      await leadership?.stop();
      await pg.close().catch(() => undefined);
      await link.close();
      throw err;
    }
  }

  /**
   * The recorder's path: most events were recorded by the node that appended them, so only the
   * ones the index does not have yet are recorded (an event's index row and deliveries commit
   * together, so an indexed event has its deliveries).
   */
  async #recordMissing(records: readonly LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const bus = records[0]!.event.bus;
    const { rows } = await this.#pg.pool.query<{ seq: number }>('SELECT seq FROM event_index WHERE bus = $1 AND seq = ANY($2::int8[])', [bus, records.map((r) => r.event.sequence)]);
    const have = new Set(rows.map((r) => Number(r.seq)));
    await this.#record(records.filter((r) => !have.has(r.event.sequence)));
  }

  /** Records appended events into PostgreSQL: index rows, catalogue counts and deliveries, idempotently. */
  async #record(records: readonly LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#pg.recordAppended(records.map((r) => ({
      event: { ...r.event, client: r.client, traceparent: r.traceparent, via: r.via ?? null }, deliveries: r.deliveries, deliverAt: r.deliverAt, archives: r.archives,
    })));
  }

  #eventLog(): EventLog {
    const log = this.#log;
    const health = this.#health;
    return {
      append: async (items: readonly AppendItem[]): Promise<AppendOutcome[]> => {
        // Known down: answer 503 at once rather than store events whose producer is told 503.
        const down = health.firstDown();
        if (down !== undefined) throw unavailable(down, new Error(`${down} is down`));
        const out = await log.append(items);
        // Before the 2xx, the events (a repeat's first event too: its recording may be what a
        // dead node left undone) are recorded, so reads and leases see them at once.
        const records: LogRecord[] = [];
        const seen = new Set<string>();
        for (let i = 0; i < out.length; i++) {
          const o = out[i]!;
          // A repeat inside this append names an event recorded with it: once is enough.
          if (o.type === 'rejected' || seen.has(leaseKey({ bus: items[i]!.bus, seq: o.sequence }))) continue;
          seen.add(leaseKey({ bus: items[i]!.bus, seq: o.sequence }));
          const r = o.type === 'stored' ? withSequence(items[i]!, o.sequence, o.receivedAt) : await log.record(items[i]!.bus, o.sequence);
          if (r !== undefined) records.push(r);
        }
        try {
          await this.#batcher.submit(records);
        } catch (err) {
          // In the log but not recorded: the recorder will; the producer's retry is a duplicate.
          if (health.failed('postgres', err)) throw unavailable('postgres', err);
          throw err;
        }
        return out;
      },
      get: (bus, id, source) => log.get(bus, id, source),
      list: (q) => log.list(q),
      count: (bus) => log.count(bus),
    };
  }

  #busCatalog(buses: BusCatalog): BusCatalog {
    const streams = this.#streams;
    const recorder = this.#recorder;
    const withStream = async (r: BusRecord): Promise<BusRecord> => {
      await streams.ensure(r.name, r.retention);
      recorder.follow(r.name);
      return r;
    };
    return {
      create: async (bus) => withStream(await buses.create(bus)),
      ensure: async (bus) => withStream(await buses.ensure(bus)),
      update: async (name, change) => {
        const r = await buses.update(name, change);
        return r === undefined ? undefined : withStream(r);
      },
      get: (name) => buses.get(name),
      list: () => buses.list(),
      delete: async (name) => {
        const gone = await buses.delete(name);
        recorder.unfollow(name);
        await streams.delete(name);
        return gone;
      },
    };
  }

  /** The queue in PostgreSQL, with event bodies read from the log where the queue has none. */
  #deliveryQueue(q: DeliveryQueue): DeliveryQueue {
    const log = this.#log;
    const withBodies = async (leased: LeasedDelivery[], now: number): Promise<LeasedDelivery[]> => {
      const missing = leased.filter((d) => d.eventBody === null);
      if (missing.length === 0) return leased;
      const bodies = new Map<string, string>();
      try {
        await Promise.all(missing.map(async (d) => {
          const r = await log.record(d.bus, d.seq);
          if (r !== undefined) bodies.set(leaseKey(d), r.event.body);
        }));
      } catch (err) {
        // The log cannot be read now (NATS down): give the leases back, due again in a second,
        // rather than hold them until they end.
        await q.complete(leased.map((d) => ({ type: 'release', id: d.id, lease: d.lease, dueAt: now + 1000 })), now).catch(() => undefined);
        throw unavailable('nats', err);
      }
      return leased.map((d) => (d.eventBody === null ? { ...d, eventBody: bodies.get(leaseKey(d)) ?? null } : d));
    };
    return {
      lease: async (key, now, leaseUntil, limit): Promise<LeasedDelivery[]> => withBodies(await q.lease(key, now, leaseUntil, limit), now),
      receive: async (key, now, leaseUntil, limit, maxReceives) => {
        const r = await q.receive(key, now, leaseUntil, limit, maxReceives);
        return { ...r, deliveries: await withBodies([...r.deliveries], now) };
      },
      settle: (keys, settlements, now) => q.settle(keys, settlements, now),
      getDead: async (id): Promise<DeadLetter | undefined> => {
        const d = await q.getDead(id);
        if (d === undefined || d.event !== null) return d;
        const r = await log.record(d.bus, d.sequence);
        return r === undefined ? d : { ...d, event: r.event.body };
      },
      nextDue: (key) => q.nextDue(key),
      complete: (completions, now) => q.complete(completions, now),
      activeTargets: () => q.activeTargets(),
      watchWork: (listener) => q.watchWork(listener),
      killTarget: (key, reason, now) => q.killTarget(key, reason, now),
      listDead: (filter, limit, after) => q.listDead(filter, limit, after),
      redrive: (select, now) => q.redrive(select, now),
      purge: (filter) => q.purge(filter),
      attempts: (id) => q.attempts(id),
      health: (key) => q.health(key),
      setHealth: (key, health) => q.setHealth(key, health),
      counts: (key) => q.counts(key),
      sweepDelivered: (before, limit) => q.sweepDelivered(before, limit),
    };
  }

  async close(): Promise<void> {
    await this.#log.close();
    this.#unwatch();
    await this.#recorder.stop();
    this.#health.close();
    await this.leadership.stop();
    await this.#pg.close();
    await this.#link.close();
  }
}

function withSequence(it: AppendItem, sequence: number, receivedAt: number): LogRecord {
  return {
    event: {
      bus: it.bus, sequence, receivedAt, id: it.id, source: it.source, type: it.type, subject: it.subject ?? null, time: it.time ?? null,
      mode: it.mode, size: it.size, matchedRules: it.matchedRules, body: it.body,
    },
    client: it.client ?? null,
    traceparent: it.traceparent ?? null,
    deliveries: it.deliveries ?? [],
    ...(it.deliverAt === undefined ? {} : { deliverAt: it.deliverAt }),
    ...(it.archives === undefined || it.archives.length === 0 ? {} : { archives: it.archives }),
    ...(it.via === undefined ? {} : { via: it.via }),
  };
}

async function readBodies(log: JetStreamEventLog, bus: string, seqs: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  await Promise.all(seqs.map(async (s) => {
    const r = await log.record(bus, s);
    if (r !== undefined) out.set(s, r.event.body);
  }));
  return out;
}
