import type { TargetKey } from './delivery-types.js';

/** A breaker's settings (the target's `circuitBreaker`, else `delivery.breaker*`). */
export interface BreakerSettings {
  /** Consecutive failed attempts that open it. */
  readonly failureThreshold: number;
  /** How long it stays open before one probe is let through. */
  readonly openMs: number;
}

/**
 * A target's breaker as the board holds it. The state follows from the record and the time:
 * closed while `openUntil` is null, open while `now < openUntil`, half-open after; in half-open
 * one caller holds the probe until `probeUntil` (then it lapses and another may claim it).
 */
export interface BreakerRecord {
  /** Consecutive failed attempts, whoever made them; 0 after a success. */
  readonly failures: number;
  readonly openUntil: number | null;
  readonly probeUntil: number | null;
  /** Grows with every change: of two copies, the higher version is the newer. */
  readonly version: number;
}

/** A breaker no one has written: closed, no failures. */
export const CLEAN_BREAKER: BreakerRecord = { failures: 0, openUntil: null, probeUntil: null, version: 0 };

/**
 * What a write did: `opened` (closed → open, or a failed probe: half-open → open), `closed`
 * (open or half-open → closed), `probing` (this caller holds the half-open probe), or null.
 * Exactly one caller is answered each transition, whichever process it runs in.
 */
export type BreakerChange = 'opened' | 'closed' | 'probing' | null;

export interface BreakerWrite {
  readonly record: BreakerRecord;
  readonly change: BreakerChange;
}

export type BreakerListener = (key: TargetKey, record: BreakerRecord) => void;

/**
 * The circuit breakers of the delivery engine (src/delivery/engine/circuit-breaker.ts keeps a
 * synchronous view per target over it). The engine falls back to an in-process board
 * (LocalBreakerBoard) when the store offers none; a cluster's store offers one in PostgreSQL, so
 * failures on every node add up, the breaker opens for every node and exactly one node sends the
 * half-open probe. Each write is atomic per target: of concurrent writers (in any process), one
 * at a time sees and changes the record.
 *
 * Requirements (the contract suite, src/store/contracts/breaker-board.contract.ts):
 * - `failure` counts one failed attempt; it opens the breaker (`now + openMs`) at the threshold,
 *   and any failure while it is open or half-open opens it again from now (clearing the probe).
 * - `success` closes it and zeroes the count; `reset` does the same (a target re-enabled).
 * - `claimProbe` takes the half-open probe until `until` for one caller: only while half-open,
 *   only when no probe is held (or the holder's lapsed).
 * - `watch` tells of records changed by anyone (this process's writes included, possibly late
 *   and more than once: keep the highest `version`).
 */
export interface BreakerBoard {
  load(key: TargetKey): Promise<BreakerRecord>;
  failure(key: TargetKey, settings: BreakerSettings, now: number): Promise<BreakerWrite>;
  success(key: TargetKey, now: number): Promise<BreakerWrite>;
  claimProbe(key: TargetKey, now: number, until: number): Promise<BreakerWrite>;
  reset(key: TargetKey): Promise<BreakerWrite>;
  watch(listener: BreakerListener): () => void;
}
