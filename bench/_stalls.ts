// Stall counting shared by bench:deliver's loader and receiver.

/** A request (or delivery) that started at `at` (ms, any clock) and took `ms`. */
export interface Timed {
  readonly at: number;
  readonly ms: number;
}

/** A request slower than this is stalled (5× the light-load p99 goal of 10 ms). */
export const STALL_MS = 50;

/**
 * How many stalls the requests show: episodes of requests slower than STALL_MS, where one
 * episode is every slow request that started before the previous slow one finished (a single
 * blocked event loop delays every request in flight, and they count once).
 */
export function countStalls(timed: readonly Timed[]): number {
  const slow = timed.filter((t) => t.ms > STALL_MS).sort((a, b) => a.at - b.at);
  let stalls = 0;
  let until = -Infinity;
  for (const t of slow) {
    if (t.at > until) stalls++;
    until = Math.max(until, t.at + t.ms);
  }
  return stalls;
}
