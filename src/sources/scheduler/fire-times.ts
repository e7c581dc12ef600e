import type { ScheduleExpression } from './expression.js';

/** A schedule's fire times: its expression bounded by start (inclusive) and end (exclusive). */
export interface FireWindow {
  readonly expression: ScheduleExpression;
  /** The rate anchor: fires are anchor + k × period (the schedule's start, else its creation). */
  readonly anchor: number;
  readonly start: number | null;
  readonly end: number | null;
}

/**
 * The next `n` fire times strictly after `after`, ascending (fewer when the schedule ends).
 * Cost is bounded by `n` (croner's search is bounded too: a cron that never matches yields none).
 */
export function firesAfter(w: FireWindow, after: number, n: number): number[] {
  const from = Math.max(after, (w.start ?? -Infinity) - 1);
  const out: number[] = [];
  const e = w.expression;
  switch (e.type) {
    case 'at':
      if (e.at > from) out.push(e.at);
      break;
    case 'rate': {
      const k0 = Math.max(0, Math.floor((from - w.anchor) / e.everyMs) + 1);
      for (let k = k0; out.length < n; k++) {
        const t = w.anchor + k * e.everyMs;
        if (w.end !== null && t >= w.end) break;
        out.push(t);
      }
      break;
    }
    case 'cron':
      for (const d of e.cron.nextRuns(n, new Date(Math.max(from, -8.64e15)))) out.push(d.getTime());
      break;
  }
  return w.end === null ? out.slice(0, n) : out.filter((t) => t < w.end!).slice(0, n);
}

/**
 * The latest fire times in (after, upTo], ascending, at most `max` of them; `more` tells that
 * earlier ones in the interval were left out. Cost is bounded by `max`, however long the interval.
 */
export function firesBetween(w: FireWindow, after: number, upTo: number, max: number): { times: number[]; more: boolean } {
  const lo = Math.max(after, (w.start ?? -Infinity) - 1);
  const hi = w.end === null ? upTo : Math.min(upTo, w.end - 1);
  if (hi <= lo || max <= 0) return { times: [], more: false };
  const e = w.expression;
  switch (e.type) {
    case 'at':
      return { times: e.at > lo && e.at <= hi ? [e.at] : [], more: false };
    case 'rate': {
      const kLo = Math.max(0, Math.floor((lo - w.anchor) / e.everyMs) + 1);
      const kHi = Math.floor((hi - w.anchor) / e.everyMs);
      if (kHi < kLo) return { times: [], more: false };
      const first = Math.max(kLo, kHi - max + 1);
      const times: number[] = [];
      for (let k = first; k <= kHi; k++) times.push(w.anchor + k * e.everyMs);
      return { times, more: first > kLo };
    }
    case 'cron': {
      // previousRuns counts back from just after `hi` (it excludes its reference); one extra
      // run tells whether there were more than `max` in the interval.
      const runs = e.cron.previousRuns(max + 1, new Date(hi + 1)).map((d) => d.getTime()).filter((t) => t > lo && t <= hi);
      const more = runs.length > max;
      return { times: runs.slice(0, max).reverse(), more };
    }
  }
}
