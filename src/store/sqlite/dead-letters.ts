import type { Database } from 'better-sqlite3';
import type { AttemptRecord, DeadLetter, DeadLetterFilter, DeadLetterPage, DeliveryId, TargetKey } from '../delivery-types.js';
import {
  DEAD_LETTER_COLUMNS as SUMMARY, attemptRecordOf as attempt, deadLetterSummaryOf as summary, rowId, type AttemptRow, type DeadLetterRow as DeadRow,
} from '../delivery-rows.js';

export function deadLetterWhere(f: DeadLetterFilter): { sql: string; args: (string | number)[] } {
  const parts = ["state = 'dead'"];
  const args: (string | number)[] = [];
  const add = (cond: string, v: string | number | undefined): void => {
    if (v === undefined) return;
    parts.push(cond);
    args.push(v);
  };
  // An id this backend never made matches no row (row ids start at 1).
  add('id = ?', f.id === undefined ? undefined : rowId(f.id) ?? 0);
  add('bus = ?', f.bus);
  add('rule = ?', f.rule);
  add('target = ?', f.target);
  add('done_at >= ?', f.from);
  add('done_at < ?', f.to);
  // With a target filter, repeat the WHERE of deliveries_settled (migration 007) so SQLite may
  // search that index by bus/rule/target (waiting and dead rows only) instead of every delivery
  // of the bus; without one, deliveries_dead_letters (migration 009) walks dead rows in id order.
  if (f.bus !== undefined || f.rule !== undefined || f.target !== undefined) parts.push("state IN ('waiting', 'dead')");
  return { sql: parts.join(' AND '), args };
}

/** Dead letters: deliveries in state `dead`, kept with their event, payload and attempts. */
export class SqliteDeadLetters {
  readonly #db: Database;
  readonly #groupBusy: (bus: string, rule: string, target: string, grp: string) => boolean;

  constructor(db: Database, groupBusy: (bus: string, rule: string, target: string, grp: string) => boolean) {
    this.#db = db;
    this.#groupBusy = groupBusy;
  }

  list(filter: DeadLetterFilter, limit: number, after?: string): DeadLetterPage {
    const w = deadLetterWhere(filter);
    const from = after === undefined ? undefined : rowId(after) ?? 0;
    const cursor = from === undefined ? '' : ' AND id > ?';
    const args = from === undefined ? w.args : [...w.args, from];
    const rows = this.#db.prepare<(string | number)[], DeadRow>(`SELECT ${SUMMARY} FROM deliveries WHERE ${w.sql}${cursor} ORDER BY id LIMIT ?`).all(...args, limit + 1);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(summary);
    const last = items[items.length - 1];
    return more && last !== undefined ? { items, next: last.id } : { items };
  }

  get(id: DeliveryId): DeadLetter | undefined {
    const n = rowId(id);
    if (n === undefined) return undefined;
    const row = this.#db.prepare<[number], DeadRow & { event_body: string | null; payload: string | null }>(
      `SELECT ${SUMMARY}, event_body, payload FROM deliveries WHERE id = ? AND state = 'dead'`,
    ).get(n);
    if (row === undefined) return undefined;
    return { ...summary(row), event: row.event_body, payload: row.payload, attemptLog: this.attempts(id) };
  }

  attempts(id: DeliveryId): AttemptRecord[] {
    const n = rowId(id);
    if (n === undefined) return [];
    return this.#db.prepare<[number], AttemptRow>('SELECT at, duration_ms, ok, status, error_class, message, response FROM delivery_attempts WHERE delivery_id = ? ORDER BY n').all(n).map(attempt);
  }

  /**
   * Puts dead letters back: due now, with a fresh retry budget (attempts 0, first_at now), under
   * the same row (so the same delivery id); the attempt log is kept. An ordered one waits if its group is busy, keeping at most one
   * pending per group.
   */
  redrive(select: { readonly ids: readonly DeliveryId[] } | { readonly filter: DeadLetterFilter }, now: number): { count: number; keys: TargetKey[] } {
    return this.#db.transaction(() => {
      let rows: DeadRow[];
      if ('ids' in select) {
        const one = this.#db.prepare<[number], DeadRow>(`SELECT ${SUMMARY} FROM deliveries WHERE id = ? AND state = 'dead'`);
        rows = select.ids.map((id) => one.get(rowId(id) ?? 0)).filter((r): r is DeadRow => r !== undefined);
      } else {
        const w = deadLetterWhere(select.filter);
        rows = this.#db.prepare<(string | number)[], DeadRow>(`SELECT ${SUMMARY} FROM deliveries WHERE ${w.sql} ORDER BY id`).all(...w.args);
      }
      const put = this.#db.prepare<[string, number, number, number]>('UPDATE deliveries SET state = ?, due_at = ?, first_at = ?, attempts = 0, leased = 0, done_at = NULL WHERE id = ?');
      const keys = new Map<string, TargetKey>();
      for (const r of rows) {
        const state = r.grp !== null && this.#groupBusy(r.bus, r.rule, r.target, r.grp) ? 'waiting' : 'pending';
        put.run(state, now, now, r.id);
        keys.set(`${r.bus}\u0000${r.rule}\u0000${r.target}`, { bus: r.bus, rule: r.rule, target: r.target });
      }
      return { count: rows.length, keys: [...keys.values()] };
    })();
  }

  purge(filter: DeadLetterFilter): number {
    const w = deadLetterWhere(filter);
    return this.#db.transaction(() => {
      this.#db.prepare<(string | number)[]>(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE ${w.sql})`).run(...w.args);
      return this.#db.prepare<(string | number)[]>(`DELETE FROM deliveries WHERE ${w.sql}`).run(...w.args).changes;
    })();
  }
}
