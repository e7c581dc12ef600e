import type { BusRecord } from './types.js';

/** A bus as both backends store it. */
export interface BusRow {
  name: string;
  description: string | null;
  created_at: number;
  max_age_ms: number | null;
  max_count: number | null;
  next_seq: number;
}

export const busRecordOf = (r: BusRow): BusRecord => ({
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
  retention: { maxAgeMs: r.max_age_ms, maxCount: r.max_count },
  nextSequence: r.next_seq,
});
