/**
 * The event catalogue (docs/api.md `GET /v1/catalog`): every (bus, source, type) seen, with how
 * many events of it were stored, when first and last, and the newest one as a sample. Kept at
 * ingest, in the transaction that appends the events; counts are "seen" counts (retention does
 * not lower them); a bus's rows go with the bus.
 */
export interface EventTypeRecord {
  readonly bus: string;
  readonly source: string;
  readonly type: string;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /**
   * The newest event of the pair: its bus sequence, id and stored JSON text; `body` is null when
   * the event is longer than {@link SAMPLE_MAX_CHARS} (read it by id, while retention keeps it).
   */
  readonly sample: { readonly sequence: number; readonly id: string; readonly body: string | null };
}

/** Longest sample kept with a row (characters): a page of rows stays small whatever the events' size. */
export const SAMPLE_MAX_CHARS = 16 * 1024;

/** Per bus: how many (source, type) pairs it holds, and the events of pairs beyond the cap (not listed). */
export interface EventTypeBusSummary {
  readonly bus: string;
  readonly types: number;
  /** Events whose (source, type) was new when the bus already held the cap of pairs: counted here, not listed. */
  readonly overflow: number;
}

/** Position after which a page starts: the last row of the previous page. */
export interface EventTypeKey {
  readonly bus: string;
  readonly source: string;
  readonly type: string;
}

export interface EventTypeQuery {
  readonly bus?: string | undefined;
  /** Only sources that start with this. */
  readonly sourcePrefix?: string | undefined;
  /** Only types that start with this. */
  readonly typePrefix?: string | undefined;
  readonly after?: EventTypeKey | undefined;
  readonly limit: number;
}

export interface EventTypePage {
  /** Ordered by bus, source, type. */
  readonly items: readonly EventTypeRecord[];
  /** The cursor of the next page, absent when this page is the last. */
  readonly next?: EventTypeKey;
}

/** Reading the event catalogue; it is written by the event log's append. */
export interface EventTypeCatalog {
  list(query: EventTypeQuery): Promise<EventTypePage>;
  /** One entry per bus that has seen an event (only `bus` when given). */
  summary(bus?: string): Promise<EventTypeBusSummary[]>;
}
