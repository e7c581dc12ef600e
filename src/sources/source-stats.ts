import type { SourceCounts } from '../store/index.js';

/** A source's observed status: `running`, `paused` (asked for), or `failing` with the last error. */
export type SourceStatus =
  | { readonly state: 'running' | 'paused'; readonly since: number }
  | { readonly state: 'failing'; readonly since: number; readonly lastError: string };

/**
 * One source's counters and health on this node. Counts since the last flush are kept apart
 * (`takeDelta`) so the store adds them up across nodes and restarts; health changes are
 * reported once per transition (running → failing → running).
 */
export class SourceStats {
  #received = 0;
  #put = 0;
  #rejected = 0;
  #lastEventAt: number | null = null;
  #failing: { since: number; error: string } | undefined;
  #since: number;
  /** The last refused request or message (a failed verification, a mapping error), for the status view. */
  lastRejection: { readonly at: number; readonly reason: string } | undefined;

  constructor(now: number) {
    this.#since = now;
  }

  received(n = 1): void {
    this.#received += n;
  }

  put(n: number, at: number): void {
    this.#put += n;
    if (n > 0 && (this.#lastEventAt === null || at > this.#lastEventAt)) this.#lastEventAt = at;
  }

  rejected(reason: string, at: number, n = 1): void {
    this.#rejected += n;
    this.lastRejection = { at, reason: reason.length > 512 ? `${reason.slice(0, 512)}…` : reason };
  }

  /** Marks the source failing; true when this is a transition (it was healthy). */
  fail(error: string, now: number): boolean {
    const first = this.#failing === undefined;
    this.#failing = { since: first ? now : this.#failing!.since, error: error.length > 1024 ? `${error.slice(0, 1024)}…` : error };
    return first;
  }

  /** Marks the source healthy; true when it was failing. */
  recover(now: number): boolean {
    if (this.#failing === undefined) return false;
    this.#failing = undefined;
    this.#since = now;
    return true;
  }

  get isFailing(): boolean {
    return this.#failing !== undefined;
  }

  status(paused: boolean): SourceStatus {
    if (paused) return { state: 'paused', since: this.#since };
    if (this.#failing !== undefined) return { state: 'failing', since: this.#failing.since, lastError: this.#failing.error };
    return { state: 'running', since: this.#since };
  }

  /** The counts not yet flushed, added to `base` (what the store holds). */
  plus(base: SourceCounts): SourceCounts {
    const last = this.#lastEventAt === null ? base.lastEventAt : base.lastEventAt === null ? this.#lastEventAt : Math.max(base.lastEventAt, this.#lastEventAt);
    return { received: base.received + this.#received, put: base.put + this.#put, rejected: base.rejected + this.#rejected, lastEventAt: last };
  }

  /** Takes the counts since the last flush (undefined when there are none) and starts again from zero. */
  takeDelta(): SourceCounts | undefined {
    if (this.#received === 0 && this.#put === 0 && this.#rejected === 0 && this.#lastEventAt === null) return undefined;
    const d = { received: this.#received, put: this.#put, rejected: this.#rejected, lastEventAt: this.#lastEventAt };
    this.#received = 0;
    this.#put = 0;
    this.#rejected = 0;
    this.#lastEventAt = null;
    return d;
  }

  /** Gives back a delta whose flush failed, so it is counted at the next one. */
  restore(d: SourceCounts): void {
    this.#received += d.received;
    this.#put += d.put;
    this.#rejected += d.rejected;
    if (d.lastEventAt !== null && (this.#lastEventAt === null || d.lastEventAt > this.#lastEventAt)) this.#lastEventAt = d.lastEventAt;
  }
}
