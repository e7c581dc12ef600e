import type { ErrorCode, Violation } from '../core/index.js';

/**
 * What became of one event of {@link IngestService.put}, in the order of the events:
 * - `stored`: appended (durable) with its deliveries enqueued;
 * - `duplicate`: an event with its (source, id) is already on the bus, at `sequence`;
 * - `refused`: not stored, for the reason given (`violations` for a schema refusal, paths
 *   relative to the event);
 * - `withheld`: not stored because another event of the same atomic put was refused;
 * - `held`: put into an open transaction (PutOptions.transaction): kept, not yet on the bus.
 */
export type PutOutcome =
  | { readonly type: 'stored'; readonly id: string; readonly source: string; readonly sequence: number }
  | { readonly type: 'duplicate'; readonly id: string; readonly source: string; readonly sequence: number }
  | { readonly type: 'refused'; readonly id: string; readonly source: string; readonly code: ErrorCode; readonly message: string; readonly violations?: readonly Violation[] }
  | { readonly type: 'withheld'; readonly id: string; readonly source: string }
  | { readonly type: 'held'; readonly id: string; readonly source: string; readonly transaction: string };

export interface PutOptions {
  /**
   * All or none: when one event is refused, none is appended (the others are `withheld`). The
   * CloudEvents HTTP binding and bus targets put atomically; PutEvents entries stand alone.
   */
  readonly atomic?: boolean;
  /**
   * Deliver at once whatever the events' `deliverat` says (a replay re-sends events that were
   * delayed already: docs/delay-and-transactions.md).
   */
  readonly ignoreDelay?: boolean;
  /**
   * Put the events into this open transaction of the bus (docs/delay-and-transactions.md): they
   * are held, not matched, delivered or readable until it commits. All of them or none: a
   * transaction unknown (SWY_INGEST_TX_NOT_FOUND), ended (SWY_INGEST_TX_CLOSED) or full
   * (SWY_INGEST_TX_FULL) refuses the put as a whole.
   */
  readonly transaction?: string;
}

/** An outcome of a put made outside any transaction: never `held`. */
export type SettledOutcome = Exclude<PutOutcome, { readonly type: 'held' }>;

/**
 * The outcomes of a put that passed no transaction (a source, a schedule): none is `held`. Throws
 * if one is, which would mean the put was made into a transaction after all.
 */
export function settledOutcomes(outcomes: readonly PutOutcome[]): SettledOutcome[] {
  return outcomes.map((o) => {
    if (o.type === 'held') throw new Error(`event ${o.id} was held by transaction ${o.transaction}; this put passes none`);
    return o;
  });
}
