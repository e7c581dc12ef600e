import type { Database, Statement } from 'better-sqlite3';
import type { ContentMode } from '../../events/index.js';
import type { EventPage, StoredEvent } from '../types.js';
import type { EventOrigin, EventSearchQuery, ObserveIndex, TargetBacklogRow, TraceAttempt, TraceDelivery } from '../observe-types.js';
import { DELIVERY_STATE_SQL as STATE_SQL } from '../delivery-state-sql.js';

interface Row {
  bus: string; seq: number; id: string; source: string; type: string; subject: string | null; time: string | null;
  received_at: number; mode: string; size: number; matched: string; body: string;
}

const COLUMNS = 'e.bus, e.seq, e.id, e.source, e.type, e.subject, e.time, e.received_at, e.mode, e.size, e.matched, e.body';

const toStored = (r: Row): StoredEvent => ({
  bus: r.bus, sequence: r.seq, receivedAt: r.received_at, id: r.id, source: r.source, type: r.type,
  subject: r.subject, time: r.time, mode: r.mode as ContentMode, size: r.size,
  matchedRules: r.matched === '' ? [] : (JSON.parse(r.matched) as string[]), body: r.body,
});

/**
 * The words of a text query as an FTS5 query: every word a quoted token, all required. Quoting
 * makes any user text a valid query (no FTS5 syntax errors reach the caller); `""` escapes `"`.
 * NUL separates words like white space: FTS5 reads the query as a C string, where a NUL inside a
 * token is an error (the API refuses it first; this keeps the store safe for every caller).
 */
export function ftsQuery(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- NUL is the character this must split on.
  const words = text.split(/[\s\u0000]+/).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
}

interface DeliveryRow {
  id: number; rule: string; target: string; state: string; created_at: number; done_at: number | null;
  due_at: number; last_error: string | null; payload: string | null; replay: string | null;
}
interface AttemptRow { n: number; at: number; duration_ms: number; ok: number; status: number | null; error_class: string | null; message: string | null }

/** Search, origin and size queries of the embedded store (migration 005). */
export class SqliteObserveStore implements ObserveIndex {
  readonly #db: Database;
  readonly #origin: Statement<[string, number], { client: string | null; traceparent: string | null; via: string | null }>;
  readonly #pages: Statement<[], { n: number }>;
  readonly #pageSize: number;
  #backlog: { pending: Statement<[], TargetBacklogRow>; waiting: Statement<[], TargetBacklogRow> } | undefined;
  /** Brings the full-text index up to date before a text search (it is fed in batches). */
  readonly #beforeTextSearch: () => void;

  constructor(db: Database, beforeTextSearch: () => void = () => undefined) {
    this.#db = db;
    this.#beforeTextSearch = beforeTextSearch;
    this.#origin = db.prepare('SELECT client, traceparent, via FROM events WHERE bus = ? AND seq = ?');
    this.#pages = db.prepare('SELECT (page_count - freelist_count) AS n FROM pragma_page_count, pragma_freelist_count');
    this.#pageSize = db.pragma('page_size', { simple: true }) as number;
  }

  async search(q: EventSearchQuery): Promise<EventPage> {
    const where: string[] = ['e.bus = ?'];
    const args: (string | number)[] = [q.bus];
    const add = (cond: string, v: string | number | undefined): void => {
      if (v === undefined) return;
      where.push(cond);
      args.push(v);
    };
    add('e.type = ?', q.type);
    add('e.source = ?', q.source);
    add('e.subject = ?', q.subject);
    add('e.received_at >= ?', q.from);
    add('e.received_at < ?', q.to);
    add('e.seq > ?', q.after);
    // `matched` is '' or a JSON array of rule names; json_each must never see ''.
    add("e.matched <> '' AND EXISTS (SELECT 1 FROM json_each(CASE WHEN e.matched = '' THEN '[]' ELSE e.matched END) WHERE value = ?)", q.rule);
    if (q.matchedAny === true) where.push("e.matched <> ''");
    if (q.matchedAny === false) where.push("e.matched = ''");
    if (q.deliveryState !== undefined) where.push(STATE_SQL[q.deliveryState]);
    const fts = q.text === undefined ? undefined : ftsQuery(q.text);
    if (fts !== undefined) this.#beforeTextSearch();
    add('e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)', fts);
    const sql = `SELECT ${COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT ?`;
    const rows = this.#db.prepare<(string | number)[], Row>(sql).all(...args, q.limit + 1);
    const more = rows.length > q.limit;
    const items = (more ? rows.slice(0, q.limit) : rows).map(toStored);
    const last = items[items.length - 1];
    return more && last !== undefined ? { items, next: last.sequence } : { items };
  }

  async origin(bus: string, sequence: number): Promise<EventOrigin | undefined> {
    const r = this.#origin.get(bus, sequence);
    if (r === undefined) return undefined;
    return r.via === null ? { client: r.client, traceparent: r.traceparent } : r;
  }

  async deliveries(bus: string, sequence: number): Promise<TraceDelivery[]> {
    const rows = this.#db.prepare<[string, number], DeliveryRow>(
      'SELECT id, rule, target, state, created_at, done_at, due_at, last_error, payload, replay FROM deliveries WHERE bus = ? AND seq = ? ORDER BY id',
    ).all(bus, sequence);
    const attempts = this.#db.prepare<[number], AttemptRow>(
      'SELECT n, at, duration_ms, ok, status, error_class, message FROM delivery_attempts WHERE delivery_id = ? ORDER BY n',
    );
    return rows.map((r) => ({
      id: r.id, rule: r.rule, target: r.target, state: r.state, createdAt: r.created_at, doneAt: r.done_at,
      dueAt: r.due_at, lastError: r.last_error, payload: r.payload, ...(r.replay === null ? {} : { replay: r.replay }),
      attempts: attempts.all(r.id).map((a): TraceAttempt => ({
        n: a.n, at: a.at, durationMs: a.duration_ms, ok: a.ok === 1, status: a.status, errorClass: a.error_class, message: a.message,
      })),
    }));
  }

  /** Bytes the database occupies (pages in use); the store's housekeeping reports it. */
  sizeBytes(): number {
    return (this.#pages.get()?.n ?? 0) * this.#pageSize;
  }

  async backlog(): Promise<TargetBacklogRow[]> {
    // Unfinished rows only, from the partial covering indexes on pending (deliveries_due) and
    // waiting (deliveries_settled, whose WHERE the query repeats so SQLite may use it) rows:
    // each part is grouped in index order and the two short results are merged here (a UNION
    // ALL grouped as a whole sorted every unfinished row in a temporary B-tree: ~40 ms at
    // 100,000 pending, against ~8 ms now).
    this.#backlog ??= { pending: this.#backlogOf("state = 'pending'"), waiting: this.#backlogOf("state IN ('waiting', 'dead') AND state = 'waiting'") };
    const rows = this.#backlog.pending.all();
    const waiting = this.#backlog.waiting.all();
    if (waiting.length === 0) return rows;
    const byTarget = new Map(rows.map((r) => [`${r.bus}\u0000${r.rule}\u0000${r.target}`, r]));
    for (const w of waiting) {
      const key = `${w.bus}\u0000${w.rule}\u0000${w.target}`;
      const p = byTarget.get(key);
      byTarget.set(key, p === undefined ? w : { ...p, pending: p.pending + w.pending, oldestPendingAt: Math.min(p.oldestPendingAt, w.oldestPendingAt) });
    }
    return [...byTarget.values()];
  }

  /** Unfinished deliveries matching `where`, counted per target with the oldest start. */
  #backlogOf(where: string): Statement<[], TargetBacklogRow> {
    return this.#db.prepare<[], TargetBacklogRow>(
      `SELECT bus, rule, target, count(*) AS pending, min(first_at) AS oldestPendingAt FROM deliveries WHERE ${where} GROUP BY bus, rule, target`,
    );
  }
}
