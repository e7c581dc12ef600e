/**
 * Event sources as stored (src/sources, docs/sources.md). A source record is configuration:
 * its kind (`webhook`, a broker kind, …), the bus it puts on, its kind-specific settings and
 * mapping. Secrets are never here: a source names connections (src/delivery/connections), whose
 * secrets are sealed at rest. Counters are kept by the store so they survive restarts and add
 * up across nodes; runtime health (running / failing and the last error) is each node's own.
 */
export type SourceState = 'running' | 'paused';

export interface SourceRecord {
  readonly name: string;
  /** The source kind (validated by src/sources' kind registry). */
  readonly kind: string;
  readonly bus: string;
  readonly description: string | null;
  /** What the operator asked for: `running`, or `paused` (pause/resume). */
  readonly state: SourceState;
  /** The kind-specific settings (no secrets: connections are named), as JSON. */
  readonly config: Readonly<Record<string, unknown>>;
  /** How a received message becomes a CloudEvent (src/sources mapping); null: the kind's default. */
  readonly mapping: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewSource {
  readonly name: string;
  readonly kind: string;
  readonly bus: string;
  readonly description: string | null;
  readonly state: SourceState;
  readonly config: Readonly<Record<string, unknown>>;
  readonly mapping: unknown;
}

/** Counters of one source: requests/messages received, events put, refused ones, the last put. */
export interface SourceCounts {
  readonly received: number;
  readonly put: number;
  readonly rejected: number;
  /** When an event was last put (epoch ms); null before the first. */
  readonly lastEventAt: number | null;
}

export const ZERO_SOURCE_COUNTS: SourceCounts = Object.freeze({ received: 0, put: 0, rejected: 0, lastEventAt: null });

export interface SourceCatalog {
  /** Creates or replaces the source (its counters are kept on replace); `created` tells which. */
  put(source: NewSource): Promise<{ source: SourceRecord; created: boolean }>;
  get(name: string): Promise<SourceRecord | undefined>;
  /** Every source, by name. */
  list(): Promise<SourceRecord[]>;
  /** Deletes the source and its counters. */
  delete(name: string): Promise<boolean>;
  /** Sets the state (pause/resume); undefined when there is no such source. Announced only when it changed. */
  setState(name: string, state: SourceState): Promise<SourceRecord | undefined>;
  /**
   * Adds counter deltas (nodes flush what they counted); `lastEventAt` keeps the later of the
   * stored and the given time. Deltas for a source that no longer exists are dropped. Not announced.
   */
  addCounts(deltas: ReadonlyMap<string, SourceCounts>): Promise<void>;
  /** The stored counters of every source (zero for none counted yet). */
  counts(): Promise<Map<string, SourceCounts>>;
}
