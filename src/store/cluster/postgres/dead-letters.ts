import type pg from 'pg';
import type { AttemptRecord, DeadLetter, DeadLetterFilter, DeadLetterPage, DeliveryId, TargetKey } from '../../delivery-types.js';
import type { EventBodies } from './event-bodies.js';
import { groupBusy, lockGroups } from './fifo-lock.js';
import { inTransaction, type Queryable } from './pg-client.js';
import {
  DEAD_LETTER_COLUMNS as SUMMARY, attemptRecordOf as attempt, deadLetterSummaryOf as summary, rowId, type AttemptRow, type DeadLetterRow as DeadRow,
} from '../../delivery-rows.js';

/** The WHERE of a dead-letter filter, with its parameters numbered from `first`. */
function deadWhere(f: DeadLetterFilter, first = 1): { sql: string; args: unknown[] } {
  const parts = ["state = 'dead'"];
  const args: unknown[] = [];
  const add = (cond: string, v: unknown): void => {
    if (v === undefined) return;
    args.push(v);
    parts.push(`${cond} $${first + args.length - 1}`);
  };
  // An id this backend never made matches no row (ids start at 1).
  add('id =', f.id === undefined ? undefined : rowId(f.id) ?? 0);
  add('bus =', f.bus);
  add('rule =', f.rule);
  add('target =', f.target);
  add('done_at >=', f.from);
  add('done_at <', f.to);
  return { sql: parts.join(' AND '), args };
}

/** Dead letters on PostgreSQL: deliveries in state `dead`, with their event, payload and attempts. */
export class PgDeadLetters {
  readonly #pool: pg.Pool;
  readonly #bodies: EventBodies;

  constructor(pool: pg.Pool, bodies: EventBodies) {
    this.#pool = pool;
    this.#bodies = bodies;
  }

  async list(filter: DeadLetterFilter, limit: number, after?: string): Promise<DeadLetterPage> {
    const w = deadWhere(filter);
    const args = [...w.args];
    let cursor = '';
    if (after !== undefined) {
      args.push(rowId(after) ?? Number.MAX_SAFE_INTEGER);
      cursor = ` AND id > $${args.length}`;
    }
    args.push(limit + 1);
    const { rows } = await this.#pool.query<DeadRow>(`SELECT ${SUMMARY} FROM deliveries WHERE ${w.sql}${cursor} ORDER BY id LIMIT $${args.length}`, args);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(summary);
    const last = items[items.length - 1];
    return more && last !== undefined ? { items, next: last.id } : { items };
  }

  /**
   * One dead letter. Its event is the copy taken when it died; a delivery dead-lettered by
   * killTarget (no copy taken) reads its event from the log while the index still holds it.
   */
  async get(id: DeliveryId): Promise<DeadLetter | undefined> {
    const n = rowId(id);
    if (n === undefined) return undefined;
    const { rows } = await this.#pool.query<DeadRow & { event_body: string | null; payload: string | null; indexed: boolean }>(
      `SELECT ${SUMMARY}, event_body, payload, EXISTS (SELECT 1 FROM event_index e WHERE e.bus = d.bus AND e.seq = d.seq) AS indexed
       FROM deliveries d WHERE id = $1 AND state = 'dead'`, [n]);
    const row = rows[0];
    if (row === undefined) return undefined;
    let event = row.event_body;
    if (event === null && row.indexed) event = (await this.#bodies.read(row.bus, [row.seq])).get(row.seq) ?? null;
    return { ...summary(row), event, payload: row.payload, attemptLog: await this.attempts(id) };
  }

  async attempts(id: DeliveryId): Promise<AttemptRecord[]> {
    const n = rowId(id);
    if (n === undefined) return [];
    const { rows } = await this.#pool.query<AttemptRow>(
      'SELECT at, duration_ms, ok, status, error_class, message, response FROM delivery_attempts WHERE delivery_id = $1 ORDER BY n', [n]);
    return rows.map(attempt);
  }

  /**
   * Puts dead letters back, due now with a fresh retry budget, under the same id; the attempt
   * log is kept. Ordered ones are taken in bus order under their groups' locks: one becomes the
   * head if its group has none, the others wait. Runs in the caller's transaction.
   */
  async redriveIn(c: Queryable, select: { readonly ids: readonly DeliveryId[] } | { readonly filter: DeadLetterFilter }, now: number): Promise<{ count: number; keys: TargetKey[] }> {
    let rows: DeadRow[];
    if ('ids' in select) {
      const ids = select.ids.map((i) => rowId(i)).filter((i): i is number => i !== undefined);
      rows = ids.length === 0 ? [] : (await c.query<DeadRow>(`SELECT ${SUMMARY} FROM deliveries WHERE id = ANY($1::int8[]) AND state = 'dead' ORDER BY seq, id FOR UPDATE`, [ids])).rows;
    } else {
      const w = deadWhere(select.filter);
      rows = (await c.query<DeadRow>(`SELECT ${SUMMARY} FROM deliveries WHERE ${w.sql} ORDER BY seq, id FOR UPDATE`, w.args)).rows;
    }
    await lockGroups(c, rows.flatMap((r) => (r.grp === null ? [] : [{ bus: r.bus, rule: r.rule, target: r.target, grp: r.grp }])));
    const keys = new Map<string, TargetKey>();
    for (const r of rows) {
      const waits = r.grp !== null && await groupBusy(c, { bus: r.bus, rule: r.rule, target: r.target, grp: r.grp });
      await c.query('UPDATE deliveries SET state = $1, due_at = $2, first_at = $2, attempts = 0, lease = NULL, done_at = NULL WHERE id = $3',
        [waits ? 'waiting' : 'pending', now, r.id]);
      keys.set(JSON.stringify([r.bus, r.rule, r.target]), { bus: r.bus, rule: r.rule, target: r.target });
    }
    return { count: rows.length, keys: [...keys.values()] };
  }

  async purge(filter: DeadLetterFilter): Promise<number> {
    const w = deadWhere(filter);
    // Attempts go with their delivery (foreign key cascade).
    return inTransaction(this.#pool, async (c) => (await c.query(`DELETE FROM deliveries WHERE ${w.sql}`, w.args)).rowCount ?? 0);
  }
}
