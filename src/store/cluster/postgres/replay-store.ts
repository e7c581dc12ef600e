import type pg from 'pg';
import type { StoredEvent } from '../../types.js';
import type { TargetKey } from '../../delivery-types.js';
import type {
  NewReplay, ReplayBound, ReplayDelivery, ReplayQuery, ReplayRange, ReplayRecord, ReplayState, ReplayStep, ReplayStore,
} from '../../replay-types.js';
import type { EventBodies } from './event-bodies.js';
import { groupBusy, lockGroups } from './fifo-lock.js';
import { inTransaction, type Queryable } from './pg-client.js';
import { Touched } from './touched.js';
import { replayEventOf as toEvent, replayRecordOf as toRecord, type ReplayEventRow, type ReplayRow } from '../../replay-rows.js';

/** An event in the index: its text is in the log (`body` is read from there). */
type EventRow = Omit<ReplayEventRow, 'body'>;

const COLS = `id, bus, kind, state, from_seq, to_seq, total, pattern, destination, rate, cursor, processed, matched, enqueued,
  created_at, updated_at, running_since, processed_at_run, finished_at, error`;
const EVENT_COLS = 'seq, id, source, type, subject, time, received_at, mode, size';

export interface PgReplayStoreDeps {
  readonly pool: pg.Pool;
  /** Event text from the log (JetStream) by sequence. */
  readonly bodies: EventBodies;
  /** The bus's next sequence (BusRecord.nextSequence), undefined when the bus does not exist. */
  readonly nextSequence: (bus: string) => Promise<number | undefined>;
  readonly notifyWork: (c: Queryable, keys: readonly TargetKey[]) => Promise<void>;
  readonly tellWork: (keys: readonly TargetKey[]) => void;
}

/**
 * Replay jobs on PostgreSQL (migration 008), shared by every node. `advance` records a step's
 * deliveries (with the replayed text and the job's id) and moves the cursor in one PostgreSQL
 * transaction, holding the job's row: a step of a job paused or cancelled on another node
 * meanwhile writes nothing, and a node that dies mid-job leaves the cursor at the last committed
 * step. Reads see the log through the event index (attributes) and the log itself (text), and,
 * below the oldest sequence the index still holds (the stream dropped the rest), the bus's
 * archives' copies.
 */
export class PgReplayStore implements ReplayStore {
  readonly #d: PgReplayStoreDeps;

  constructor(deps: PgReplayStoreDeps) {
    this.#d = deps;
  }

  async #oldest(c: Queryable, bus: string): Promise<number | null> {
    const { rows } = await c.query<{ s: number | null }>('SELECT min(seq) AS s FROM event_index WHERE bus = $1', [bus]);
    return rows[0]?.s ?? null;
  }

  async range(bus: string, from: ReplayBound, to: ReplayBound): Promise<ReplayRange | undefined> {
    const next = await this.#d.nextSequence(bus);
    if (next === undefined) return undefined;
    const last = next - 1;
    const pool = this.#d.pool;
    const one = async (sql: string, args: unknown[]): Promise<number | undefined> => (await pool.query<{ seq: number }>(sql, args)).rows[0]?.seq;
    let fromSeq: number;
    if ('sequence' in from) {
      fromSeq = Math.max(1, from.sequence);
    } else {
      const found = [
        await one('SELECT seq FROM event_index WHERE bus = $1 AND received_at >= $2 ORDER BY received_at, seq LIMIT 1', [bus, from.time]),
        await one('SELECT seq FROM archive_events WHERE bus = $1 AND received_at >= $2 ORDER BY seq LIMIT 1', [bus, from.time]),
      ].filter((s): s is number => s !== undefined);
      fromSeq = found.length === 0 ? last + 1 : Math.min(...found);
    }
    let toSeq: number;
    if ('sequence' in to) {
      toSeq = Math.min(last, to.sequence);
    } else {
      const found = [
        await one('SELECT seq FROM event_index WHERE bus = $1 AND received_at < $2 ORDER BY received_at DESC, seq DESC LIMIT 1', [bus, to.time]),
        await one('SELECT seq FROM archive_events WHERE bus = $1 AND received_at < $2 ORDER BY seq DESC LIMIT 1', [bus, to.time]),
      ].filter((s): s is number => s !== undefined);
      toSeq = found.length === 0 ? fromSeq - 1 : Math.min(last, Math.max(...found));
    }
    if (toSeq < fromSeq) return { fromSeq, toSeq: fromSeq - 1, total: 0 };
    const oldest = (await this.#oldest(pool, bus)) ?? last + 1;
    const { rows: inLog } = await pool.query<{ n: number }>('SELECT count(*)::int8 AS n FROM event_index WHERE bus = $1 AND seq >= $2 AND seq <= $3', [bus, fromSeq, toSeq]);
    const archivedTo = Math.min(toSeq, oldest - 1);
    const inArchives = archivedTo < fromSeq ? 0 : (await pool.query<{ n: number }>(
      'SELECT count(DISTINCT seq)::int8 AS n FROM archive_events WHERE bus = $1 AND seq >= $2 AND seq <= $3', [bus, fromSeq, archivedTo])).rows[0]?.n ?? 0;
    return { fromSeq, toSeq, total: (inLog[0]?.n ?? 0) + inArchives };
  }

  async read(bus: string, afterSeq: number, toSeq: number, limit: number): Promise<StoredEvent[]> {
    const pool = this.#d.pool;
    const oldest = await this.#oldest(pool, bus);
    const out: StoredEvent[] = [];
    const archivedTo = Math.min(toSeq, (oldest ?? Number.MAX_SAFE_INTEGER) - 1);
    if (afterSeq < archivedTo) {
      const { rows } = await pool.query<ReplayEventRow>(`
        SELECT DISTINCT ON (seq) ${EVENT_COLS}, body FROM archive_events WHERE bus = $1 AND seq > $2 AND seq <= $3 ORDER BY seq, archive LIMIT $4`,
      [bus, afterSeq, archivedTo, limit]);
      out.push(...rows.map((r) => toEvent(bus, r)));
    }
    if (out.length < limit && oldest !== null) {
      const after = Math.max(afterSeq, out.at(-1)?.sequence ?? afterSeq);
      const { rows } = await pool.query<EventRow>(`SELECT ${EVENT_COLS} FROM event_index WHERE bus = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
        [bus, after, toSeq, limit - out.length]);
      const bodies = rows.length === 0 ? new Map<number, string>() : await this.#d.bodies.read(bus, rows.map((r) => r.seq));
      const missing = rows.filter((r) => !bodies.has(r.seq)).map((r) => r.seq);
      // Indexed but gone from the stream already (its limits ran before the index sweep): an archive's copy if there is one.
      const copies = missing.length === 0 ? new Map<number, string>() : new Map((await pool.query<{ seq: number; body: string }>(
        'SELECT DISTINCT ON (seq) seq, body FROM archive_events WHERE bus = $1 AND seq = ANY($2::int8[]) ORDER BY seq, archive', [bus, missing])).rows.map((r) => [r.seq, r.body]));
      for (const r of rows) {
        const body = bodies.get(r.seq) ?? copies.get(r.seq);
        if (body !== undefined) out.push(toEvent(bus, { ...r, body }));
      }
    }
    return out;
  }

  async create(r: NewReplay, now: number): Promise<ReplayRecord> {
    const { rows } = await this.#d.pool.query<ReplayRow>(`
      INSERT INTO replays (id, bus, kind, state, from_seq, to_seq, total, pattern, destination, rate, cursor, created_at, updated_at, running_since)
      VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING ${COLS}`,
    [r.id, r.bus, r.kind, r.fromSeq, r.toSeq, r.total, r.pattern === null || r.pattern === undefined ? null : JSON.stringify(r.pattern),
      JSON.stringify(r.destination), r.ratePerSecond, r.fromSeq - 1, now]);
    return toRecord(rows[0]!);
  }

  async get(id: string): Promise<ReplayRecord | undefined> {
    const { rows } = await this.#d.pool.query<ReplayRow>(`SELECT ${COLS} FROM replays WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(q: ReplayQuery): Promise<ReplayRecord[]> {
    const { rows } = await this.#d.pool.query<ReplayRow>(`
      SELECT ${COLS} FROM replays WHERE ($1::text IS NULL OR bus = $1) AND ($2::text IS NULL OR state = $2)
      ORDER BY created_at DESC, id DESC LIMIT $3`, [q.bus ?? null, q.state ?? null, q.limit]);
    return rows.map(toRecord);
  }

  async transition(id: string, from: readonly ReplayState[], to: ReplayState, now: number, error?: string): Promise<{ replay: ReplayRecord; changed: boolean } | undefined> {
    return inTransaction(this.#d.pool, async (c) => {
      const { rows } = await c.query<ReplayRow>(`SELECT ${COLS} FROM replays WHERE id = $1 FOR UPDATE`, [id]);
      const row = rows[0];
      if (row === undefined) return undefined;
      if (!from.includes(row.state as ReplayState)) return { replay: toRecord(row), changed: false };
      const { rows: after } = to === 'running'
        ? await c.query<ReplayRow>(`UPDATE replays SET state = $1, updated_at = $2, running_since = $2, processed_at_run = processed, error = NULL
            WHERE id = $3 RETURNING ${COLS}`, [to, now, id])
        : await c.query<ReplayRow>(`UPDATE replays SET state = $1, updated_at = $2, finished_at = $3, error = $4 WHERE id = $5 RETURNING ${COLS}`,
          [to, now, to === 'paused' ? null : now, error ?? null, id]);
      return { replay: toRecord(after[0]!), changed: true };
    });
  }

  async advance(id: string, step: ReplayStep, now: number): Promise<boolean> {
    const touched = new Touched();
    const ok = await inTransaction(this.#d.pool, async (c) => {
      // The job's row, locked: a pause or cancel on another node waits for this step or makes it write nothing.
      const { rows } = await c.query<{ bus: string; state: string }>('SELECT bus, state FROM replays WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (row?.state !== 'running') return false;
      await enqueueReplayed(c, row.bus, id, step.deliveries, now, touched);
      await c.query(`
        UPDATE replays SET cursor = $1, processed = processed + $2, matched = matched + $3, enqueued = enqueued + $4, updated_at = $5,
          state = CASE WHEN $6 THEN 'completed' ELSE state END, finished_at = CASE WHEN $6 THEN $5 ELSE finished_at END
        WHERE id = $7`, [step.cursor, step.processed, step.matched, step.deliveries.length, now, step.done, id]);
      await this.#d.notifyWork(c, touched.keys);
      return true;
    });
    if (ok) this.#d.tellWork(touched.keys);
    return ok;
  }
}

/**
 * Records a replay step's deliveries, due now, each with its replayed text and the job's id, in
 * the caller's transaction. An ordered one waits behind its FIFO group's head (under the group's
 * advisory lock, like every write that decides a head), in the step's (sequence) order.
 */
async function enqueueReplayed(c: Queryable, bus: string, replay: string, deliveries: readonly ReplayDelivery[], now: number, touched: Touched): Promise<void> {
  if (deliveries.length === 0) return;
  const groups = deliveries.filter((d) => d.group !== null).map((d) => ({ bus, rule: d.rule, target: d.target, grp: d.group! }));
  await lockGroups(c, groups);
  const busy = new Set<string>();
  for (const g of groups) {
    const k = JSON.stringify([g.rule, g.target, g.grp]);
    if (!busy.has(k) && await groupBusy(c, g)) busy.add(k);
  }
  const rows = deliveries.map((d, n) => {
    let state = 'pending';
    if (d.group !== null) {
      const k = JSON.stringify([d.rule, d.target, d.group]);
      if (busy.has(k)) state = 'waiting';
      busy.add(k);
    }
    return { seq: d.seq, event_id: d.eventId, rule: d.rule, target: d.target, grp: d.group, state, body: d.body, n };
  });
  await c.query(`
    INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, event_body, replay)
    SELECT $1, x.seq, x.event_id, x.rule, x.target, x.grp, x.state, $2, $2, $2, x.body, $3
    FROM jsonb_to_recordset($4::jsonb) AS x(seq int8, event_id text, rule text, target text, grp text, state text, body text, n int8)
    ORDER BY x.n`, [bus, now, replay, JSON.stringify(rows)]);
  for (const d of deliveries) touched.add({ bus, rule: d.rule, target: d.target });
}
