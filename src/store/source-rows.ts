import type { SourceCounts, SourceRecord } from './source-types.js';

/** A source as both backends store it (config and mapping as JSON text). */
export interface SourceRow {
  name: string;
  kind: string;
  bus: string;
  description: string | null;
  state: string;
  config: string;
  mapping: string | null;
  created_at: number;
  updated_at: number;
}

/** A source's counters as both backends store them. */
export interface SourceCountRow { name: string; received: number; put: number; rejected: number; last_event_at: number | null }

/** The columns of a SourceRow, in a SELECT or an INSERT. */
export const SOURCE_COLUMNS = 'name, kind, bus, description, state, config, mapping, created_at, updated_at';

export const sourceRecordOf = (r: SourceRow): SourceRecord => ({
  name: r.name,
  kind: r.kind,
  bus: r.bus,
  description: r.description,
  state: r.state === 'paused' ? 'paused' : 'running',
  config: JSON.parse(r.config) as Record<string, unknown>,
  mapping: r.mapping === null ? null : JSON.parse(r.mapping) as unknown,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const sourceCountsOf = (r: SourceCountRow): SourceCounts => ({ received: r.received, put: r.put, rejected: r.rejected, lastEventAt: r.last_event_at });
