/**
 * The durable delivery queue's contract (docs/delivery.md). Deliveries are enqueued inside the
 * event append's transaction; the dispatcher leases, completes and dead-letters them here.
 * Every state change is a committed write, so a crash loses no delivery and no attempt.
 */

/** One delivery to enqueue with an appended event: a target of a matched rule. */
export interface DeliveryEnqueue {
  readonly rule: string;
  readonly target: string;
  /** FIFO group key (ordered targets), or null for an unordered target. */
  readonly group: string | null;
}

/** Identifies a target: a rule's target id on a bus. */
export interface TargetKey {
  readonly bus: string;
  readonly rule: string;
  readonly target: string;
}

/** A leased delivery with its event, ready to send. */
export interface LeasedDelivery {
  readonly id: number;
  readonly bus: string;
  readonly seq: number;
  readonly eventId: string;
  readonly rule: string;
  readonly target: string;
  readonly group: string | null;
  /** Attempts made in the current retry budget (0 before the first). */
  readonly attempts: number;
  /** Start of the current retry budget (enqueue or redrive), ms. */
  readonly firstAt: number;
  /** When the bus received the event, ms. */
  readonly receivedAt: number;
  /** The event's JSON-format text; null when retention removed the event meanwhile. */
  readonly eventBody: string | null;
  /** The W3C traceparent of the request that put the event (src/observe), if it had one. */
  readonly traceparent?: string | null | undefined;
}

/** One attempt as recorded. `response` is at most 1 KiB. */
export interface AttemptRecord {
  readonly at: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly status: number | null;
  readonly errorClass: string | null;
  readonly message: string | null;
  readonly response: string | null;
}

/** What became of a leased delivery; written by {@link DeliveryQueue.complete}. */
export type Completion =
  | { readonly type: 'delivered'; readonly id: number; readonly attempt: AttemptRecord }
  | { readonly type: 'retry'; readonly id: number; readonly attempt: AttemptRecord; readonly dueAt: number; readonly error: string }
  /** Lease given back without an attempt (shutdown, circuit open): due again at `dueAt`. */
  | { readonly type: 'release'; readonly id: number; readonly dueAt: number }
  | {
      readonly type: 'dead';
      readonly id: number;
      readonly attempt: AttemptRecord | null;
      readonly reason: string;
      /** The transformed payload that was (or would have been) sent. */
      readonly payload: string | null;
      /** Enqueue a copy for this target id (the rule target's dead-letter target). */
      readonly forwardTo?: string;
      /** The event text of the forwarded copy (the event with failure extensions); default: the event as stored. */
      readonly forwardBody?: string;
    };

/** Filter of dead letters; every field narrows. Times are ms, `from` inclusive, `to` exclusive. */
export interface DeadLetterFilter {
  /** One dead letter by id. */
  readonly id?: number | undefined;
  readonly bus?: string | undefined;
  readonly rule?: string | undefined;
  readonly target?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

export interface DeadLetterSummary {
  readonly id: number;
  readonly bus: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly rule: string;
  readonly target: string;
  readonly group: string | null;
  readonly createdAt: number;
  readonly deadAt: number;
  readonly attempts: number;
  readonly lastError: string | null;
}

/** A dead letter in full: the event, the transformed payload and every attempt. */
export interface DeadLetter extends DeadLetterSummary {
  readonly event: string | null;
  readonly payload: string | null;
  readonly attemptLog: readonly AttemptRecord[];
}

export interface DeadLetterPage {
  readonly items: readonly DeadLetterSummary[];
  readonly next?: number;
}

/** Persisted health of a target (absent = healthy). */
export interface TargetHealth {
  /** Failing without a success since (ms), or null. */
  readonly failingSince: number | null;
  /** Disabled for failing too long at (ms), or null. */
  readonly disabledAt: number | null;
}

/** Counts of a target's deliveries by state. */
export interface TargetCounts {
  readonly pending: number;
  readonly waiting: number;
  readonly dead: number;
}

export interface DeliveryQueue {
  /**
   * Leases up to `limit` due pending deliveries of a target (oldest due first): they become due
   * again at `leaseUntil` unless completed before, so a crash re-delivers them.
   */
  lease(key: TargetKey, now: number, leaseUntil: number, limit: number): LeasedDelivery[];
  /** The earliest due time of the target's pending deliveries, if any. */
  nextDue(key: TargetKey): number | undefined;
  /** Records completions (and their attempts) in one transaction. */
  complete(completions: readonly Completion[], now: number): void;
  /** Makes every lease due now; run at start (only one process writes the store). */
  releaseLeases(now: number): number;
  /** Targets that have pending deliveries. */
  activeTargets(): TargetKey[];
  /** Called after a commit that enqueued deliveries, with their distinct targets. */
  onEnqueue(listener: (keys: readonly TargetKey[]) => void): void;
  /** Dead-letters every pending or waiting delivery of a target (rule gone, target disabled). */
  killTarget(key: TargetKey, reason: string, now: number): number;
  listDead(filter: DeadLetterFilter, limit: number, after?: number): DeadLetterPage;
  getDead(id: number): DeadLetter | undefined;
  /** Puts dead letters back in the queue (due now, fresh retry budget); returns how many. */
  redrive(select: { readonly ids: readonly number[] } | { readonly filter: DeadLetterFilter }, now: number): number;
  /** Deletes dead letters; returns how many. */
  purge(filter: DeadLetterFilter): number;
  /** Every attempt of a delivery, oldest first. */
  attempts(id: number): AttemptRecord[];
  health(key: TargetKey): TargetHealth | undefined;
  setHealth(key: TargetKey, health: TargetHealth | undefined): void;
  counts(key: TargetKey): TargetCounts;
  /** Deletes delivered rows (and their attempts) finished before `before`; returns how many. */
  sweepDelivered(before: number, limit: number): number;
}
