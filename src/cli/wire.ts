/**
 * The REST API's answers as the CLI reads them (DESIGN.md §8). Declared here rather than
 * imported from src/api: the CLI is a client of the wire format, not of the server's code.
 */

/** One entry of the 202 answer to `POST /v1/buses/{bus}/events`. */
export interface PutResult {
  readonly id: string;
  readonly source: string;
  readonly sequence?: number;
  readonly duplicate?: boolean;
  /** Put into this open transaction: held, no sequence until it commits. */
  readonly transaction?: string;
}

export interface PutAnswer {
  readonly results: readonly PutResult[];
}

/** A stored event as `GET /v1/buses/{bus}/events[/{id}]` shows it. */
export interface StoredEventView {
  readonly event: Readonly<Record<string, unknown>>;
  readonly sequence: number;
  readonly receivedAt: string;
  readonly matchedRules?: readonly string[];
}

export interface EventPage {
  readonly items: readonly StoredEventView[];
  /** Cursor for the next page (pass as `after`); absent on the last page. */
  readonly next?: number;
}

export interface BusView {
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: string;
  readonly retention: { readonly maxAgeMs: number | null; readonly maxCount: number | null };
  readonly lastSequence: number;
}
