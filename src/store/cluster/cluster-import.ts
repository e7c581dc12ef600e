// Writes an export's rows (src/store/transfer) into a cluster: catalog rows into PostgreSQL as
// they were stored (times, sealed secrets, counters), events into their bus's stream at their
// sequences (jetstream/log-import.ts) and into the index, then what refers to events (schema
// checks, archived copies, unfinished deliveries with their attempts, the event catalogue).
//
// Every write is idempotent (upserts keyed like the tables; a stream resumes after its last
// sequence), so re-running the same export after a crash completes it without duplicates. The
// cluster's nodes should be stopped meanwhile: the import writes the tables directly, so running
// nodes learn of the imported catalog only when they start.
import type pg from 'pg';
import type { AppendItem, Retention } from '../types.js';
import type { ContentMode } from '../../events/index.js';
import { TABLE_ORDER, type DumpHeader, type DumpRow, type Row, type TableName } from '../transfer/dump-format.js';
import { silentStoreLog } from '../write-health.js';
import { openPostgresPorts, type AppendedEntry, type PostgresPorts } from './postgres/index.js';
import { NatsLink } from './nats-link.js';
import { StreamNames } from './jetstream/names.js';
import { BusStreams } from './jetstream/streams.js';
import { LogImport } from './jetstream/log-import.js';
import type { ClusterStoreOptions } from './cluster-store.js';
import { unreachableAtStart } from './engine-fault.js';
import { SwitchyardError } from '../../core/index.js';

/** Where the cluster is: the node's own options (cluster-store.ts), less what only a running node uses. */
export type ClusterImportOptions = Pick<ClusterStoreOptions,
  'natsServers' | 'streamPrefix' | 'replicas' | 'postgresUrl' | 'postgresSchema' | 'clock' | 'dedupeWindowMs'
  | 'defaultRetentionMaxAgeMs' | 'sweepBatch' | 'connectTimeoutMs' | 'requestTimeoutMs' | 'log'>;

/** What an import wrote (rows of each table; events skipped as already there on a resumed run). */
export interface ImportReport {
  readonly rows: Partial<Record<TableName, number>>;
  readonly eventsResumed: number;
}

/** Conflict keys of the upserted tables (PostgreSQL tables of the same names and columns). */
const KEYS: Partial<Record<TableName, readonly string[]>> = {
  buses: ['name'], rules: ['bus', 'name'], schemas: ['name', 'source'], schema_versions: ['name', 'source', 'version'], bus_schema_settings: ['bus'],
  connections: ['name'], signing_secrets: ['target_key', 'created_at'], archives: ['bus', 'name'], consumers: ['bus', 'name'], sources: ['name'],
  schedules: ['name'], target_health: ['bus', 'rule', 'target'], event_schema_checks: ['bus', 'seq'], archive_events: ['bus', 'archive', 'seq'],
  event_type_buses: ['bus'],
};
/** Events recorded into the index per PostgreSQL transaction. */
const RECORD_BATCH = 500;

export class ClusterImport {
  readonly #link: NatsLink;
  readonly #pg: PostgresPorts;
  readonly #names: StreamNames;
  readonly #streams: BusStreams;
  readonly #opts: ClusterImportOptions;

  private constructor(link: NatsLink, pg: PostgresPorts, names: StreamNames, streams: BusStreams, opts: ClusterImportOptions) {
    this.#link = link;
    this.#pg = pg;
    this.#names = names;
    this.#streams = streams;
    this.#opts = opts;
  }

  /** Connects to both engines (SWY_STORE_ENGINE_UNREACHABLE when one does not answer) and migrates PostgreSQL. */
  static async open(opts: ClusterImportOptions): Promise<ClusterImport> {
    const names = new StreamNames(opts.streamPrefix);
    const link = await NatsLink.open({
      servers: opts.natsServers, name: 'switchyard-import', connectTimeoutMs: opts.connectTimeoutMs ?? 5000, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
    });
    const streams = new BusStreams(link.jsm, names, { dedupeWindowMs: opts.dedupeWindowMs, replicas: opts.replicas });
    try {
      const pg = await openPostgresPorts({
        url: opts.postgresUrl, schema: opts.postgresSchema, clock: opts.clock, defaultRetentionMaxAgeMs: opts.defaultRetentionMaxAgeMs,
        log: opts.log ?? silentStoreLog, sweepBatch: opts.sweepBatch, poolSize: 2,
        nextSequence: async (bus) => {
          const s = await streams.state(bus).catch(() => undefined);
          return s === undefined ? 1 : s.last_seq + 1;
        },
        eventBodies: { read: () => Promise.resolve(new Map()) },
        appendCommitted: () => Promise.reject(new Error('no transaction commits during an import')),
      });
      return new ClusterImport(link, pg, names, streams, opts);
    } catch (err) {
      await link.close();
      throw isSwitchyardError(err) ? err : unreachableAtStart('postgres', 'storage.postgres.url', err);
    }
  }

  /**
   * Checks, before anything is written, that every bus's stream can take the export's events:
   * throws SWY_STORE_IMPORT_CONFLICT naming the buses whose stream holds other events (unless
   * `replace`: they are deleted when their bus is imported).
   */
  async preflight(header: DumpHeader, buses: readonly Row<'buses'>[], replace: boolean): Promise<void> {
    const log = this.#logImport(header);
    const taken: string[] = [];
    for (const b of buses) {
      const s = await log.inspect(b.name);
      if (s.type === 'conflict') taken.push(`"${b.name}" (${s.messages} event(s), up to sequence ${s.lastSeq})`);
    }
    if (taken.length > 0 && !replace) {
      throw new SwitchyardError('SWY_STORE_IMPORT_CONFLICT', `bus(es) already holding events in the cluster: ${taken.join(', ')}; nothing was imported (--replace-events deletes those events first)`);
    }
  }

  /** Writes the rows (in file order). Resolves with the counts once everything is written. */
  async write(header: DumpHeader, rows: AsyncIterable<DumpRow>, replace: boolean): Promise<ImportReport> {
    const log = this.#logImport(header);
    const counts: Partial<Record<TableName, number>> = {};
    const buses = new Map<string, { row: Row<'buses'>; last: number }>();
    const pending: AppendedEntry[] = [];
    let eventsResumed = 0;
    let afterEvents = false;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      await this.#pg.recordAppended(pending.splice(0));
    };
    // After the last event: every bus's next sequence is the one it had (events swept at the end too).
    const finishEvents = async (): Promise<void> => {
      if (afterEvents) return;
      afterEvents = true;
      await flush();
      for (const { row } of buses.values()) await log.advanceTo(row.name, row.next_seq);
    };
    const pool = this.#pg.pool;
    for await (const item of rows) {
      counts[item.table] = (counts[item.table] ?? 0) + 1;
      if (item.table !== 'buses' && item.table !== 'events' && TABLE_INDEX[item.table] > TABLE_INDEX.events) await finishEvents();
      switch (item.table) {
        case 'buses': {
          await upsert(pool, 'buses', item.row, ['name'], { next_seq: 'GREATEST(buses.next_seq, EXCLUDED.next_seq)' });
          const last = await log.begin(item.row.name, retentionOf(item.row), replace);
          if (replace) await this.#dropIndexed(item.row.name, last);
          buses.set(item.row.name, { row: item.row, last });
          break;
        }
        case 'events': {
          const e = item.row;
          const bus = buses.get(e.bus)!;
          const it: AppendItem = {
            bus: e.bus, id: e.id, source: e.source, type: e.type, subject: e.subject ?? undefined, time: e.time ?? undefined, body: e.body, size: e.size,
            mode: e.mode as ContentMode, matchedRules: e.matched, client: e.client ?? undefined, traceparent: e.traceparent ?? undefined, via: e.via ?? undefined,
          };
          if (e.seq <= bus.last) eventsResumed++;
          else await log.put(e.seq, it, e.received_at);
          // Recorded again on a resumed run: the index keeps the first (bus, seq) it got.
          pending.push({
            event: {
              bus: e.bus, sequence: e.seq, receivedAt: e.received_at, id: e.id, source: e.source, type: e.type, subject: e.subject, time: e.time,
              mode: e.mode as ContentMode, size: e.size, matchedRules: e.matched, body: e.body, client: e.client, traceparent: e.traceparent, via: e.via,
            },
            deliveries: [],
          });
          if (pending.length >= RECORD_BATCH) await flush();
          break;
        }
        case 'bus_schema_settings':
          await upsert(pool, item.table, { ...item.row, discovery: item.row.discovery === 1 }, KEYS[item.table]!);
          break;
        case 'source_dead_letters':
          await pool.query(`INSERT INTO source_dead_letters (id, source, code, reason, message, dead_at) OVERRIDING SYSTEM VALUE
                            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [item.row.id, item.row.source, item.row.code, item.row.reason, item.row.message, item.row.dead_at]);
          break;
        case 'deliveries':
          await this.#delivery(item.row);
          break;
        case 'event_types':
          await upsertEventType(pool, item.row);
          break;
        default:
          await upsert(pool, item.table, item.row, KEYS[item.table]!);
      }
    }
    await finishEvents();
    // Dead letters of sources keep their ids; new ones continue after them.
    await pool.query("SELECT setval(pg_get_serial_sequence('source_dead_letters', 'id'), GREATEST((SELECT MAX(id) FROM source_dead_letters), 1))");
    return { rows: counts, eventsResumed };
  }

  #logImport(header: DumpHeader): LogImport {
    return new LogImport({ js: this.#link.js, jsm: this.#link.jsm, names: this.#names, streams: this.#streams, dedupeWindowMs: this.#opts.dedupeWindowMs }, header.id);
  }

  /** A replaced bus (--replace-events) starting from an empty stream: what PostgreSQL held about its old events goes. */
  async #dropIndexed(bus: string, last: number): Promise<void> {
    if (last > 0) return;
    for (const table of ['event_index', 'event_schema_checks', 'deliveries', 'archive_events', 'event_types', 'event_type_buses']) {
      await this.#pg.pool.query(`DELETE FROM ${table} WHERE bus = $1`, [bus]);
    }
  }

  /** One unfinished delivery (and its attempts), unless a re-run inserted it already; never leased, whoever held it. */
  async #delivery(d: Row<'deliveries'>): Promise<void> {
    const { rows } = await this.#pg.pool.query<{ id: string }>(`
      INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, attempts, first_at, created_at, done_at, last_error, payload, event_body, replay)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16
      WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE bus = $1 AND seq = $2 AND rule = $4 AND target = $5 AND replay IS NOT DISTINCT FROM $16::text AND forwarded_from IS NULL)
      RETURNING id`,
    [d.bus, d.seq, d.event_id, d.rule, d.target, d.grp, d.state, d.due_at, d.attempts, d.first_at, d.created_at, d.done_at, d.last_error, d.payload, d.event_body, d.replay]);
    const id = rows[0]?.id;
    if (id === undefined) return;
    for (const a of d.attempt_log) {
      await this.#pg.pool.query(`INSERT INTO delivery_attempts (delivery_id, n, at, duration_ms, ok, status, error_class, message, response)
                                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, a.n, a.at, a.duration_ms, a.ok === 1, a.status, a.error_class, a.message, a.response]);
    }
  }

  async close(): Promise<void> {
    await this.#pg.close();
    await this.#link.close();
  }
}

const TABLE_INDEX = Object.fromEntries(TABLE_ORDER.map((t, i) => [t, i])) as Record<TableName, number>;

function retentionOf(b: Row<'buses'>): Retention {
  return { maxAgeMs: b.max_age_ms, maxCount: b.max_count };
}

/** INSERT … ON CONFLICT (keys) DO UPDATE: the row as exported wins (`set` overrides a column's update). */
async function upsert(pool: pg.Pool, table: string, row: Record<string, unknown>, keys: readonly string[], set: Record<string, string> = {}): Promise<void> {
  const cols = Object.keys(row);
  const updates = cols.filter((c) => !keys.includes(c)).map((c) => `${c} = ${set[c] ?? `EXCLUDED.${c}`}`);
  await pool.query(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (${keys.join(', ')}) DO ${updates.length === 0 ? 'NOTHING' : `UPDATE SET ${updates.join(', ')}`}`,
    cols.map((c) => row[c]),
  );
}

/** The event catalogue's row as exported (counts include events retention removed before the export). */
async function upsertEventType(pool: pg.Pool, r: Row<'event_types'>): Promise<void> {
  await pool.query(`
    INSERT INTO event_types (bus, source, type, count, first_seen, last_seen, sample_seq, sample_id, sample_body)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (bus, md5(source), md5(type)) DO UPDATE SET count = EXCLUDED.count, first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
      sample_seq = EXCLUDED.sample_seq, sample_id = EXCLUDED.sample_id, sample_body = EXCLUDED.sample_body`,
  [r.bus, r.source, r.type, r.count, r.first_seen, r.last_seen, r.sample_seq, r.sample_id, r.sample_body]);
}

function isSwitchyardError(err: unknown): err is SwitchyardError {
  return err instanceof SwitchyardError;
}
