import type { Database } from 'better-sqlite3';

/**
 * Deletes events past each bus's retention (age and/or count) and dedupe entries older than
 * the dedupe window, at most `batch` events per bus per call so the write lock is held briefly.
 * Returns the number of events deleted.
 */
export function sweepRetention(db: Database, now: number, dedupeWindowMs: number, batch: number): number {
  const buses = db.prepare<[], { name: string; max_age_ms: number | null; max_count: number | null; next_seq: number }>(
    'SELECT name, max_age_ms, max_count, next_seq FROM buses',
  ).all();
  const byAge = db.prepare<[string, string, number, number]>(
    'DELETE FROM events WHERE bus = ? AND seq IN (SELECT seq FROM events WHERE bus = ? AND received_at < ? ORDER BY seq LIMIT ?)',
  );
  const byCount = db.prepare<[string, string, number, number]>(
    'DELETE FROM events WHERE bus = ? AND seq IN (SELECT seq FROM events WHERE bus = ? AND seq < ? ORDER BY seq LIMIT ?)',
  );
  let deleted = 0;
  for (const b of buses) {
    db.transaction(() => {
      if (b.max_age_ms !== null) deleted += byAge.run(b.name, b.name, now - b.max_age_ms, batch).changes;
      // Sequences are gap-free, so the newest maxCount events are those with seq >= next_seq - maxCount.
      if (b.max_count !== null) deleted += byCount.run(b.name, b.name, b.next_seq - b.max_count, batch).changes;
    })();
  }
  db.prepare('DELETE FROM dedupe WHERE received_at < ?').run(now - dedupeWindowMs);
  return deleted;
}
