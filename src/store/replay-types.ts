/**
 * Replay jobs (docs/replay.md): a window of a bus's log read again in sequence order, matched
 * again and delivered through the delivery queue, marked as replayed. The job's progress is
 * stored with the deliveries it enqueues, in one write ({@link ReplayStore.advance}), so a
 * crash at any point resumes at the first event whose deliveries were not committed: no event
 * is skipped and none is enqueued twice by one job.
 *
 * Reads are transparent over archives: {@link ReplayStore.read} and {@link ReplayStore.range}
 * see the bus's log and, for sequences the bus has dropped (retention), its archives' copies.
 */
import type { StoredEvent } from './types.js';
import type { DeliveryEnqueue } from './delivery-types.js';

/**
 *   running ⇄ paused
 *      │        │
 *      ├────────┴──▶ cancelled
 *      ├──▶ completed
 *      └──▶ failed
 */
export type ReplayState = 'running' | 'paused' | 'completed' | 'cancelled' | 'failed';

/** Where replayed events go: the rules of the bus as they are now, one rule, or one target of one rule. */
export type ReplayDestination =
  | { readonly bus: string }
  | { readonly rule: string; readonly target?: string };

export interface NewReplay {
  /** Chosen by the caller (unique). */
  readonly id: string;
  readonly bus: string;
  /** Inclusive bounds of the window, as bus sequences. */
  readonly fromSeq: number;
  readonly toSeq: number;
  /** Events in the window when the job was made (bus and archives). */
  readonly total: number;
  /** An extra event pattern (validated by the caller), or null. */
  readonly pattern: unknown;
  readonly destination: ReplayDestination;
  readonly ratePerSecond: number | null;
  /** 'resend': the one-event case (POST …/events/{id}/resend). */
  readonly kind: 'replay' | 'resend';
}

export interface ReplayRecord extends NewReplay {
  readonly state: ReplayState;
  /** The last sequence whose deliveries are committed (fromSeq - 1 before the first). */
  readonly cursor: number;
  /** Events read so far; `matched` of them matched; `enqueued` deliveries made. */
  readonly processed: number;
  readonly matched: number;
  readonly enqueued: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the job last went to `running` (made or resumed), and the `processed` count then (for the rate). */
  readonly runningSince: number | null;
  readonly processedAtRun: number;
  readonly finishedAt: number | null;
  readonly error: string | null;
}

/** One replayed delivery: a target of a matched rule, with the replayed event's text. */
export interface ReplayDelivery extends DeliveryEnqueue {
  readonly seq: number;
  readonly eventId: string;
  /** The event as delivered (with its `swyreplay` extension). */
  readonly body: string;
}

/** One step of a job, written together. */
export interface ReplayStep {
  readonly cursor: number;
  readonly processed: number;
  readonly matched: number;
  readonly deliveries: readonly ReplayDelivery[];
  /** The window is finished: the job becomes `completed`. */
  readonly done: boolean;
}

export interface ReplayRange {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly total: number;
}

/** A bound of a window: a bus sequence or a receive time (ms). */
export type ReplayBound = { readonly sequence: number } | { readonly time: number };

export interface ReplayQuery {
  readonly bus?: string | undefined;
  readonly state?: ReplayState | undefined;
  readonly limit: number;
}

export interface ReplayStore {
  /**
   * The sequences a window covers on a bus (with its archives): from the first event at or after
   * `from` to the last one at or before `to` (a time bound `to` is exclusive), capped at the
   * bus's last event; `total` counts the events held in it. Undefined when the bus does not exist.
   */
  range(bus: string, from: ReplayBound, to: ReplayBound): Promise<ReplayRange | undefined>;
  /**
   * Up to `limit` events with afterSeq < sequence <= toSeq, in sequence order: the bus's own,
   * and its archives' copies of those the bus has dropped (each sequence once).
   */
  read(bus: string, afterSeq: number, toSeq: number, limit: number): Promise<StoredEvent[]>;
  create(replay: NewReplay, now: number): Promise<ReplayRecord>;
  get(id: string): Promise<ReplayRecord | undefined>;
  /** Newest first. */
  list(query: ReplayQuery): Promise<ReplayRecord[]>;
  /**
   * Moves a job to `to` if its state is one of `from` (compare and set); answers the job as it
   * is afterwards and whether it changed, or undefined when it does not exist. `error` is kept with `failed`.
   */
  transition(id: string, from: readonly ReplayState[], to: ReplayState, now: number, error?: string): Promise<{ replay: ReplayRecord; changed: boolean } | undefined>;
  /**
   * Commits one step while the job is `running`: enqueues its deliveries (due now, with their
   * event text and the job's id) and moves the cursor and counts, in one write. Answers false,
   * writing nothing, when the job is not running (paused, cancelled meanwhile) or is gone.
   */
  advance(id: string, step: ReplayStep, now: number): Promise<boolean>;
}
