// The storage ceiling of bench:ingest and bench:ingest-ab: SqliteStore.events.append of the
// benchmark's events in this process, no HTTP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/core/index.js';
import { SqliteStore } from '../src/store/index.js';
import { appendItems } from './_ingest-corpus.js';
import { dirs } from './_processes.js';

/** The storage ceiling: `inFlight` concurrent appends of `size` events, back to back. */
export async function storeCeiling(size: number, inFlight: number, warmupMs: number, durationMs: number, withoutFullText = false): Promise<{ events: number; seconds: number; cpuUsPerEvent: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-bench-store-'));
  dirs.push(dir);
  const store = new SqliteStore({
    dataDir: dir, durability: 'process', groupCommitMaxEvents: 5000, dedupeWindowMs: 24 * 3600_000,
    defaultRetentionMaxAgeMs: 7 * 24 * 3600_000, sweepBatch: 10_000, clock: systemClock,
  });
  await store.catalog.buses.create({ name: 'bench', retention: { maxAgeMs: null, maxCount: null } });
  // Diagnostic only, on this throw-away file: what the payload full-text index costs. The FTS5
  // table becomes a plain one, so the append still writes the same (rowid, payload) rows.
  if (withoutFullText) store.db.exec('DROP TRIGGER events_fts_delete; DROP TABLE events_fts; CREATE TABLE events_fts (payload TEXT)');
  // One template batch decoded by the codec; each append gets fresh ids (dedupe is on).
  const template = appendItems('bench', 'tpl', size);
  let n = 0;
  const fresh = (): typeof template => {
    const p = `s${n++}`;
    return template.map((it, k) => ({ ...it, id: `${p}-${k}`, body: it.body.replace(`"id":"tpl-${k}"`, `"id":"${p}-${k}"`) }));
  };
  let events = 0;
  let all = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      const out = await store.events.append(fresh());
      const t = performance.now();
      const stored = out.filter((o) => o.type === 'stored').length;
      all += stored;
      if (t >= measureFrom && t <= end) events += stored;
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  // Includes building the fresh batches (a few µs per event): an upper bound of the store's cost.
  return { events, seconds: durationMs / 1000, cpuUsPerEvent: (cpu.user + cpu.system) / all };
}
