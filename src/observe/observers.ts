import type { AppendItem, AppendOutcome } from '../store/index.js';

/** Anything told of committed appends (the ingest path's observer hook). */
export interface AppendObserver {
  appended(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], startedAt: number): void;
}

/**
 * One observer that tells each of `list` in turn; undefined when the list is empty, so the
 * ingest path skips the hook entirely (zero cost with everything off). An observer that throws
 * is isolated: the others still run and the put is not failed by diagnostics.
 */
export function observers(list: readonly (AppendObserver | undefined)[], onError: (err: unknown) => void): AppendObserver | undefined {
  const active = list.filter((o): o is AppendObserver => o !== undefined);
  if (active.length === 0) return undefined;
  return {
    appended(items, outcomes, startedAt) {
      for (const o of active) {
        try {
          o.appended(items, outcomes, startedAt);
        } catch (err) {
          onError(err);
        }
      }
    },
  };
}
