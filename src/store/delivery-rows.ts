import type { AttemptRecord, DeadLetterSummary } from './delivery-types.js';

/** The row id a delivery id (or dead-letter cursor) stands for: its decimal text; undefined for any other text. */
export function rowId(id: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A dead delivery as both backends store it (in `deliveries`, state `dead`). */
export interface DeadLetterRow {
  id: number; bus: string; seq: number; event_id: string; rule: string; target: string; grp: string | null;
  created_at: number; done_at: number; attempts: number; last_error: string | null;
}

/** The columns of a DeadLetterRow, in a SELECT. */
export const DEAD_LETTER_COLUMNS = 'id, bus, seq, event_id, rule, target, grp, created_at, done_at, attempts, last_error';

/** A delivery attempt as both backends store it: `ok` is a boolean on PostgreSQL, 0 or 1 on SQLite. */
export interface AttemptRow {
  at: number; duration_ms: number; ok: boolean | 0 | 1; status: number | null; error_class: string | null; message: string | null; response: string | null;
}

export const deadLetterSummaryOf = (r: DeadLetterRow): DeadLetterSummary => ({
  id: String(r.id), bus: r.bus, sequence: r.seq, eventId: r.event_id, rule: r.rule, target: r.target, group: r.grp,
  createdAt: r.created_at, deadAt: r.done_at, attempts: r.attempts, lastError: r.last_error,
});

export const attemptRecordOf = (r: AttemptRow): AttemptRecord => ({
  at: r.at, durationMs: r.duration_ms, ok: r.ok === true || r.ok === 1, status: r.status, errorClass: r.error_class, message: r.message, response: r.response,
});
