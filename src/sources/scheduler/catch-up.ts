import type { CatchUpPolicy } from '../../store/index.js';
import { fireOffset } from './fire-event.js';
import { firesAfter, firesBetween, type FireWindow } from './fire-times.js';

/** Most fires one schedule puts in one pass (bounds `maxCatchUp` and the work per pass). */
export const MAX_FIRES_PER_PASS = 1000;

/** What a schedule's pass decides from its cursor and the time. */
export interface FireDecision {
  /** Fire times to put now, ascending. */
  readonly put: readonly number[];
  /** Missed fires the catch-up policy leaves out (at least this many when `moreSkipped`). */
  readonly skipped: number;
  readonly moreSkipped: boolean;
  /** The cursor once `put` is committed: every fire up to it is put or skipped. */
  readonly cursor: number;
}

export interface FireState {
  readonly name: string;
  readonly cursor: number;
  readonly catchUp: CatchUpPolicy;
  readonly maxCatchUp: number;
  readonly flexibleWindowMs: number;
}

/**
 * Decides which fires after the cursor to put at `now` (docs/scheduler.md, "Catch-up").
 * A fire is on time while now <= fire + flexibleWindowMs + graceMs; older ones were missed (no
 * scheduler ran, or it was stalled). On-time fires are put in order, each once its flexible
 * offset has passed; missed ones by the policy: `none` skips them, `latest` puts the newest
 * one when no fire is on time, `all` puts the newest `maxCatchUp`. Whatever the gap, at most
 * {@link MAX_FIRES_PER_PASS} fire times are looked at, so a long outage costs one bounded pass.
 */
export function decideFires(s: FireState, w: FireWindow, now: number, graceMs: number): FireDecision {
  const { times, more } = firesBetween(w, s.cursor, now, MAX_FIRES_PER_PASS);
  const lateBefore = now - s.flexibleWindowMs - graceMs;
  const late = times.filter((t) => t < lateBefore);
  const current = times.slice(late.length);
  let chosen: number[];
  switch (s.catchUp) {
    case 'none':
      chosen = [];
      break;
    case 'latest':
      chosen = current.length === 0 && late.length > 0 ? [late[late.length - 1]!] : [];
      break;
    case 'all':
      chosen = late.slice(-Math.min(s.maxCatchUp, MAX_FIRES_PER_PASS));
      break;
  }
  let cursor = late.length > 0 ? late[late.length - 1]! : s.cursor;
  const put = [...chosen];
  for (const t of current) {
    if (t + fireOffset(s.name, t, s.flexibleWindowMs) > now) break;
    put.push(t);
    cursor = t;
  }
  return { put, skipped: late.length - chosen.length, moreSkipped: more, cursor };
}

/** When the schedule next has a fire to put (its time plus its flexible offset); null when none is left. */
export function nextDue(s: FireState, w: FireWindow): number | null {
  const [t] = firesAfter(w, s.cursor, 1);
  return t === undefined ? null : t + fireOffset(s.name, t, s.flexibleWindowMs);
}
