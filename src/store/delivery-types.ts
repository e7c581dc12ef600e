/**
 * The durable delivery queue's contract (docs/delivery.md). Deliveries are enqueued inside the
 * event append's transaction; the dispatcher leases, completes and dead-letters them here.
 * Every state change is a committed write, so a crash loses no delivery and no attempt.
 *
 * Nothing here assumes one process: delivery ids are opaque strings, a lease ends on its own at
 * `leaseUntil` (whoever held it), and a completion names the lease it completes, so a sender
 * whose lease is no longer current (expired and leased again, killed, redriven) changes nothing.
 * Every method that may touch storage answers with a promise.
 */

/** A delivery's id: opaque, stable for the delivery's life (attempts, dead letter, redrive). */
export type DeliveryId = string;

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
  readonly id: DeliveryId;
  /** This lease's token: a completion must name it, and counts only while the lease is current. */
  readonly lease: string;
  /** When the lease ends: the delivery is leased again after this unless completed before. */
  readonly leaseUntil: number;
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
  /**
   * How many times the delivery was leased, this lease included; a lease given back by a
   * `release` does not count. More than 1: an earlier lease ended without an outcome (a crash, a
   * send past its lease). A backend that does not count leases leaves it out.
   */
  readonly leases?: number;
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

/** The lease a completion is for: the delivery and the token its lease was given. */
export interface LeaseRef {
  readonly id: DeliveryId;
  readonly lease: string;
}

/**
 * What became of a leased delivery; written by {@link DeliveryQueue.complete}. It is applied only
 * while its lease is current (not expired and leased again, not killed, not redriven, not
 * completed already); otherwise it is ignored, so a late sender never overwrites newer state.
 */
export type Completion =
  | { readonly type: 'delivered'; readonly id: DeliveryId; readonly lease: string; readonly attempt: AttemptRecord }
  | { readonly type: 'retry'; readonly id: DeliveryId; readonly lease: string; readonly attempt: AttemptRecord; readonly dueAt: number; readonly error: string }
  /**
   * An at-most-once target's failed (or interrupted) attempt: the delivery ends `dropped`, never
   * retried nor dead-lettered; a FIFO group moves on as after a delivery.
   */
  | { readonly type: 'dropped'; readonly id: DeliveryId; readonly lease: string; readonly attempt: AttemptRecord | null; readonly reason: string }
  /** Lease given back without an attempt (shutdown, circuit open): due again at `dueAt`. */
  | { readonly type: 'release'; readonly id: DeliveryId; readonly lease: string; readonly dueAt: number }
  | {
      readonly type: 'dead';
      readonly id: DeliveryId;
      readonly lease: string;
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
  readonly id?: DeliveryId | undefined;
  readonly bus?: string | undefined;
  readonly rule?: string | undefined;
  readonly target?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

export interface DeadLetterSummary {
  readonly id: DeliveryId;
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
  /** Cursor of the next page (opaque; pass as `after`). */
  readonly next?: string;
}

/** Persisted health of a target (absent = healthy). */
export interface TargetHealth {
  /** Failing without a success since (ms), or null. */
  readonly failingSince: number | null;
  /** Disabled for failing too long at (ms), or null. */
  readonly disabledAt: number | null;
}

/**
 * Counts of a target's unfinished and dead deliveries. `pending`: not finished and not leased
 * (due, retrying later, or queued behind its FIFO group's head); `inFlight`: leased (being
 * sent, or held by a lease that has not ended yet); `dead`: dead letters. A backend may add
 * extras (SQLite: `waiting`, the part of `pending` queued behind a FIFO group's head).
 */
export interface TargetCounts {
  readonly pending: number;
  readonly inFlight: number;
  readonly dead: number;
  readonly waiting?: number;
}

/**
 * A settlement of a received (pull-queue) delivery, naming the lease its receive gave
 * (docs/queues.md): `ack` finishes it, `release` gives it back (due again at `dueAt`), `reject`
 * dead-letters it with the reason, `renew` extends its lock to `leaseUntil`.
 */
export type PullSettlement =
  | { readonly type: 'ack'; readonly id: DeliveryId; readonly lease: string }
  | { readonly type: 'release'; readonly id: DeliveryId; readonly lease: string; readonly dueAt: number }
  | { readonly type: 'reject'; readonly id: DeliveryId; readonly lease: string; readonly reason: string }
  | { readonly type: 'renew'; readonly id: DeliveryId; readonly lease: string; readonly leaseUntil: number };

/**
 * What a receive handed out: `deliveries` leased to the caller (`attempts` counts this receive),
 * and `deadLettered`, how many were dead-lettered instead because they had been received
 * `maxReceives` times already.
 */
export interface PullReceipt {
  readonly deliveries: readonly LeasedDelivery[];
  readonly deadLettered: number;
}

/** Told which targets may have work now: a hint, never the truth (the queue's rows are). */
export type WorkListener = (keys: readonly TargetKey[]) => void;

export interface DeliveryQueue {
  /**
   * Leases up to `limit` due deliveries of a target (oldest due first): pending ones due by
   * `now`, and leased ones whose lease ended by `now`. Each comes back with a fresh lease token;
   * it is not leased again before `leaseUntil` unless its lease is completed.
   */
  lease(key: TargetKey, now: number, leaseUntil: number, limit: number): Promise<LeasedDelivery[]>;
  /** The earliest time a delivery of the target is due (or its lease ends), if it has any unfinished. */
  nextDue(key: TargetKey): Promise<number | undefined>;
  /**
   * Records completions (and their attempts) together; a completion whose lease is no longer
   * current is ignored. Answers how many were applied.
   */
  complete(completions: readonly Completion[], now: number): Promise<number>;
  /** Targets that have unfinished deliveries (pending or leased). */
  activeTargets(): Promise<TargetKey[]>;
  /**
   * Subscribes to "work available" hints: told after a commit that enqueued, promoted or redrove
   * deliveries, with their distinct targets. A hint may be late, merged or (on another node)
   * missing: a dispatcher also looks for work on its own (activeTargets, nextDue) at an interval.
   * Returns the unsubscribe function.
   */
  watchWork(listener: WorkListener): () => void;
  /** Dead-letters every unfinished delivery of a target (rule gone, target disabled); their leases end. */
  killTarget(key: TargetKey, reason: string, now: number): Promise<number>;
  listDead(filter: DeadLetterFilter, limit: number, after?: string): Promise<DeadLetterPage>;
  getDead(id: DeliveryId): Promise<DeadLetter | undefined>;
  /**
   * Puts dead letters back in the queue (due now, fresh retry budget), under the same delivery
   * id (receivers see the same `webhook-id`); returns how many.
   */
  redrive(select: { readonly ids: readonly DeliveryId[] } | { readonly filter: DeadLetterFilter }, now: number): Promise<number>;
  /** Deletes dead letters; returns how many. */
  purge(filter: DeadLetterFilter): Promise<number>;
  /** Every attempt of a delivery, oldest first. */
  attempts(id: DeliveryId): Promise<AttemptRecord[]>;
  health(key: TargetKey): Promise<TargetHealth | undefined>;
  setHealth(key: TargetKey, health: TargetHealth | undefined): Promise<void>;
  counts(key: TargetKey): Promise<TargetCounts>;
  /**
   * Pull queues (targets nobody pushes to, docs/queues.md). Leases up to `limit` due deliveries
   * of the target like {@link lease}, counting each lease as a receive (`attempts` + 1); a due
   * delivery already received `maxReceives` times is dead-lettered instead ("max receives
   * exceeded"). A pull lease outlives a restart of the server: only its end (`leaseUntil`) or
   * a settlement ends it. FIFO groups hold as for pushed deliveries: only a group's head is ever
   * leased, so one group's deliveries are never out to two consumers at once.
   */
  receive(key: TargetKey, now: number, leaseUntil: number, limit: number, maxReceives: number): Promise<PullReceipt>;
  /**
   * Applies settlements of received deliveries, together, each only while its lease is current
   * (`renew` also only before the lease ends) and only for a delivery of one of `keys` (the
   * queue's targets). Answers, in order, whether each was applied.
   */
  settle(keys: readonly TargetKey[], settlements: readonly PullSettlement[], now: number): Promise<boolean[]>;
  /** Deletes delivered deliveries (and their attempts) finished before `before`; returns how many. */
  sweepDelivered(before: number, limit: number): Promise<number>;
}
