import type { ContentMode } from '../events/index.js';
import type { StoredEvent } from './types.js';
import type { ReplayDestination, ReplayRecord, ReplayState } from './replay-types.js';

/** A replay job as both backends store it (pattern and destination as JSON text). */
export interface ReplayRow {
  id: string; bus: string; kind: string; state: string; from_seq: number; to_seq: number; total: number; pattern: string | null;
  destination: string; rate: number | null; cursor: number; processed: number; matched: number; enqueued: number;
  created_at: number; updated_at: number; running_since: number | null; processed_at_run: number; finished_at: number | null; error: string | null;
}

/** An event a replay reads, from the log or an archive's copy, with its text. */
export interface ReplayEventRow {
  seq: number; id: string; source: string; type: string; subject: string | null; time: string | null; received_at: number; mode: string; size: number;
  body: string;
}

export const replayRecordOf = (r: ReplayRow): ReplayRecord => ({
  id: r.id, bus: r.bus, kind: r.kind as ReplayRecord['kind'], state: r.state as ReplayState, fromSeq: r.from_seq, toSeq: r.to_seq, total: r.total,
  pattern: r.pattern === null ? null : JSON.parse(r.pattern) as unknown, destination: JSON.parse(r.destination) as ReplayDestination,
  ratePerSecond: r.rate, cursor: r.cursor, processed: r.processed, matched: r.matched, enqueued: r.enqueued, createdAt: r.created_at,
  updatedAt: r.updated_at, runningSince: r.running_since, processedAtRun: r.processed_at_run, finishedAt: r.finished_at, error: r.error,
});

/** A replayed event as the store gives it: replays do not keep the rules it matched at ingest. */
export const replayEventOf = (bus: string, r: ReplayEventRow): StoredEvent => ({
  bus, sequence: r.seq, receivedAt: r.received_at, id: r.id, source: r.source, type: r.type, subject: r.subject, time: r.time,
  mode: r.mode as ContentMode, size: r.size, matchedRules: [], body: r.body,
});
