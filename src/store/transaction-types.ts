/**
 * Transactional ("half") messages, RocketMQ style (docs/delay-and-transactions.md). A producer
 * begins a transaction on a bus and puts events into it: they are kept here, not in the event
 * log — not matched, not delivered, not readable. A commit appends them all to the log in one
 * write, in put order, with their deliveries; a rollback discards them. A transaction left open
 * is checked back with its producer when `nextCheckAt` falls due.
 *
 * States: open ──commit──▶ committed
 *              └─rollback─▶ rolled-back      (both final; the record and its history stay for
 *                                              traces until swept)
 * Every method may touch I/O and answers with a promise. Nothing assumes one process: a commit
 * names how many events it expects (a put that slipped in meanwhile makes it `changed`), and
 * check-backs are claimed (`claimDue`) so one node asks at a time.
 */
import type { AppendItem, AppendOutcome } from './types.js';

export type TransactionState = 'open' | 'committed' | 'rolled-back';

/** Who ended a transaction: its producer (API), a check-back's answer, or the configured default. */
export type TransactionEndedBy = 'producer' | 'check-back' | 'default';

/** One step of a transaction's history, oldest first (shown in traces). */
export type TransactionStep =
  | { readonly type: 'begin'; readonly at: number }
  /** A check-back: the producer's answer, or `unknown` with the reason (no answer, an error). */
  | { readonly type: 'check'; readonly at: number; readonly n: number; readonly answer: 'commit' | 'rollback' | 'unknown'; readonly detail?: string }
  | { readonly type: 'committed' | 'rolled-back'; readonly at: number; readonly by: TransactionEndedBy; readonly detail?: string };

export interface TransactionRecord {
  readonly bus: string;
  readonly id: string;
  readonly state: TransactionState;
  /** Where check-backs go (signed like webhooks), or null: the default outcome applies when due. */
  readonly checkUrl: string | null;
  readonly checkAfterMs: number;
  readonly createdAt: number;
  /** When the next check-back is due (open transactions), else null. */
  readonly nextCheckAt: number | null;
  /** Check-backs made so far. */
  readonly checks: number;
  /** Events held (open) or committed (counting duplicates). */
  readonly events: number;
  readonly endedAt: number | null;
  /** Sequences of the events a commit stored (first to last, consecutive), or null. */
  readonly sequences: { readonly first: number; readonly last: number } | null;
  readonly history: readonly TransactionStep[];
}

export interface NewTransaction {
  readonly bus: string;
  readonly id: string;
  readonly checkUrl: string | null;
  readonly checkAfterMs: number;
}

/** One event held in an open transaction: an append item without routing (that happens at commit). */
export type HeldEvent = Omit<AppendItem, 'bus' | 'matchedRules' | 'deliveries' | 'deliverAt'>;

/** What became of a put into a transaction: all of its events are held, or none. */
export type HoldOutcome =
  | { readonly type: 'held'; readonly events: number }
  | { readonly type: 'not-found' }
  | { readonly type: 'closed'; readonly state: TransactionState }
  /** Holding these would take the transaction past `maxEvents`; it holds `events`. */
  | { readonly type: 'full'; readonly events: number };

/** What became of a commit or rollback. */
export type EndOutcome =
  | { readonly type: 'ended'; readonly transaction: TransactionRecord; readonly outcomes: readonly AppendOutcome[] }
  | { readonly type: 'not-found' }
  | { readonly type: 'closed'; readonly state: TransactionState }
  /** The transaction holds another number of events than the commit expected: read them again. */
  | { readonly type: 'changed' };

export interface TransactionLog {
  /** Begins a transaction (state open, next check-back at now + checkAfterMs); undefined when `maxOpen` are open already. */
  begin(tx: NewTransaction, now: number, maxOpen: number): Promise<TransactionRecord | undefined>;
  get(bus: string, id: string): Promise<TransactionRecord | undefined>;
  /** Transactions of a bus, newest first, optionally in one state; at most `limit`. */
  list(bus: string, state: TransactionState | undefined, limit: number): Promise<TransactionRecord[]>;
  /** Holds events in an open transaction, after those held already; all or none. */
  hold(bus: string, id: string, events: readonly HeldEvent[], maxEvents: number): Promise<HoldOutcome>;
  /** The events an open transaction holds, in put order. */
  held(bus: string, id: string): Promise<HeldEvent[]>;
  /**
   * Commits atomically: appends `items` (the held events, routed, in put order) to the event log
   * with their deliveries and marks the transaction committed, in one write — or changes nothing.
   * `expected` is how many events the caller read with {@link held}.
   */
  commit(bus: string, id: string, expected: number, items: readonly AppendItem[], step: TransactionStep & { type: 'committed' }): Promise<EndOutcome>;
  /** Discards the held events and marks the transaction rolled back. */
  rollback(bus: string, id: string, step: TransactionStep & { type: 'rolled-back' }): Promise<EndOutcome>;
  /**
   * Claims open transactions whose check-back is due by `now`: their next check moves to
   * `claimUntil`, so no one else asks meanwhile. Oldest due first, at most `limit`.
   */
  claimDue(now: number, claimUntil: number, limit: number): Promise<TransactionRecord[]>;
  /** Records a check-back of an open transaction and when the next is due; false when it is not open. */
  recordCheck(bus: string, id: string, step: TransactionStep & { type: 'check' }, nextCheckAt: number): Promise<boolean>;
  /** The committed transaction whose events include this sequence, if any (for traces). */
  ofEvent(bus: string, sequence: number): Promise<TransactionRecord | undefined>;
  /** Forgets ended transactions that ended before `before`; answers how many. */
  sweepEnded(before: number, limit: number): Promise<number>;
}
