import type pg from 'pg';
import type { ContentMode } from '../../../events/index.js';
import type { EventPage, StoredEvent } from '../../types.js';
import type { EventOrigin, EventSearchQuery, ObserveIndex, TargetBacklogRow, TraceAttempt, TraceDelivery } from '../../observe-types.js';
import type { EventBodies } from './event-bodies.js';
import { wordsOf } from './payload-words.js';
import { DELIVERY_STATE_SQL as STATE_SQL } from '../../delivery-state-sql.js';

interface IndexRow {
  bus: string; seq: number; id: string; source: string; type: string; subject: string | null; time: string | null;
  mode: ContentMode; size: number; received_at: number; matched_rules: string[];
}

const COLUMNS = 'e.bus, e.seq, e.id, e.source, e.type, e.subject, e.time, e.mode, e.size, e.received_at, e.matched_rules';

/**
 * Search, origins, traces and backlog over PostgreSQL's event index and delivery tables. Events
 * are found in `event_index` and read from the log through `bodies`; an indexed event whose body
 * the log no longer holds (retention ran there first) is left out of the page.
 */
export class PgObserveIndex implements ObserveIndex {
  readonly #pool: pg.Pool;
  readonly #bodies: EventBodies;

  constructor(pool: pg.Pool, bodies: EventBodies) {
    this.#pool = pool;
    this.#bodies = bodies;
  }

  async search(q: EventSearchQuery): Promise<EventPage> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (cond: (p: string) => string, v: unknown): void => {
      if (v === undefined) return;
      args.push(v);
      where.push(cond(`$${args.length}`));
    };
    add((p) => `e.bus = ${p}`, q.bus);
    add((p) => `md5(e.type) = md5(${p}) AND e.type = ${p}`, q.type);
    add((p) => `e.source = ${p}`, q.source);
    add((p) => `e.subject = ${p}`, q.subject);
    add((p) => `e.received_at >= ${p}`, q.from);
    add((p) => `e.received_at < ${p}`, q.to);
    add((p) => `e.seq > ${p}`, q.after);
    add((p) => `e.matched_rules @> ARRAY[${p}::text]`, q.rule);
    if (q.matchedAny === true) where.push('cardinality(e.matched_rules) > 0');
    if (q.matchedAny === false) where.push('cardinality(e.matched_rules) = 0');
    if (q.deliveryState !== undefined) where.push(STATE_SQL[q.deliveryState]);
    const words = q.text === undefined ? [] : wordsOf(q.text, 64);
    if (words.length > 0) add((p) => `e.words @> ${p}::text[]`, words);
    args.push(q.limit + 1);
    const { rows } = await this.#pool.query<IndexRow>(`SELECT ${COLUMNS} FROM event_index e WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT $${args.length}`, args);
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const items = await this.withBodies(page);
    const last = page[page.length - 1];
    return more && last !== undefined ? { items, next: last.seq } : { items };
  }

  /** Index rows as stored events, with their bodies from the log (rows whose body is gone are left out). */
  async withBodies(rows: readonly IndexRow[]): Promise<StoredEvent[]> {
    if (rows.length === 0) return [];
    const byBus = new Map<string, number[]>();
    for (const r of rows) byBus.set(r.bus, [...(byBus.get(r.bus) ?? []), r.seq]);
    const bodies = new Map<string, ReadonlyMap<number, string>>();
    for (const [bus, seqs] of byBus) bodies.set(bus, await this.#bodies.read(bus, seqs));
    const out: StoredEvent[] = [];
    for (const r of rows) {
      const body = bodies.get(r.bus)?.get(r.seq);
      if (body === undefined) continue;
      out.push({
        bus: r.bus, sequence: r.seq, receivedAt: r.received_at, id: r.id, source: r.source, type: r.type, subject: r.subject,
        time: r.time, mode: r.mode, size: r.size, matchedRules: r.matched_rules, body,
      });
    }
    return out;
  }

  /** The newest indexed event with this id on the bus (and source), for the log's `get`. */
  async find(bus: string, id: string, source?: string): Promise<StoredEvent | undefined> {
    const { rows } = source === undefined
      ? await this.#pool.query<IndexRow>(`SELECT ${COLUMNS} FROM event_index e WHERE e.bus = $1 AND md5(e.id) = md5($2) AND e.id = $2 ORDER BY e.seq DESC LIMIT 1`, [bus, id])
      : await this.#pool.query<IndexRow>(`SELECT ${COLUMNS} FROM event_index e WHERE e.bus = $1 AND md5(e.id) = md5($2) AND e.id = $2 AND e.source = $3 ORDER BY e.seq DESC LIMIT 1`, [bus, id, source]);
    return (await this.withBodies(rows))[0];
  }

  /** How many events of the bus the index holds (the log's `count` in the cluster). */
  async count(bus: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>('SELECT count(*)::int8 AS n FROM event_index WHERE bus = $1', [bus]);
    return rows[0]?.n ?? 0;
  }

  async origin(bus: string, sequence: number): Promise<EventOrigin | undefined> {
    const { rows } = await this.#pool.query<{ client: string | null; traceparent: string | null; via: string | null }>(
      'SELECT client, traceparent, via FROM event_index WHERE bus = $1 AND seq = $2', [bus, sequence]);
    const r = rows[0];
    if (r === undefined) return undefined;
    return r.via === null ? { client: r.client, traceparent: r.traceparent } : { client: r.client, traceparent: r.traceparent, via: r.via };
  }

  async deliveries(bus: string, sequence: number): Promise<TraceDelivery[]> {
    const { rows } = await this.#pool.query<{
      id: number; rule: string; target: string; state: string; created_at: number; done_at: number | null; due_at: number;
      last_error: string | null; payload: string | null; replay: string | null; attempts: TraceAttempt[] | null;
    }>(`
      SELECT d.id, d.rule, d.target, d.state, d.created_at, d.done_at, d.due_at, d.last_error, d.payload, d.replay,
        (SELECT json_agg(json_build_object('n', a.n, 'at', a.at, 'durationMs', a.duration_ms, 'ok', a.ok, 'status', a.status,
                 'errorClass', a.error_class, 'message', a.message) ORDER BY a.n)
         FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
      FROM deliveries d WHERE d.bus = $1 AND d.seq = $2 ORDER BY d.id`, [bus, sequence]);
    return rows.map((r) => ({
      id: r.id, rule: r.rule, target: r.target, state: r.state, createdAt: r.created_at, doneAt: r.done_at, dueAt: r.due_at,
      lastError: r.last_error, payload: r.payload, ...(r.replay === null ? {} : { replay: r.replay }), attempts: r.attempts ?? [],
    }));
  }

  async backlog(): Promise<TargetBacklogRow[]> {
    const { rows } = await this.#pool.query<TargetBacklogRow>(`
      SELECT bus, rule, target, count(*)::int8 AS pending, min(first_at) AS "oldestPendingAt"
      FROM deliveries WHERE state IN ('pending', 'waiting') GROUP BY bus, rule, target`);
    return rows.map((r) => ({ bus: r.bus, rule: r.rule, target: r.target, pending: r.pending, oldestPendingAt: r.oldestPendingAt }));
  }
}
