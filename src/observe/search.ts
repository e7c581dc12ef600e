import type { CompiledMatcherLike } from './pattern-filter.js';
import type { EventPage, EventSearchQuery, ObserveIndex, StoredEvent } from '../store/index.js';

export interface SearchOptions {
  /** Event pattern tested on each event the store returns (after the indexed filters). */
  readonly pattern?: CompiledMatcherLike | undefined;
  /** Most events examined for one page when a pattern filters; bounds the cost of a call. */
  readonly maxScan: number;
}

/**
 * Searches a bus: the store applies every indexed filter (attributes, time, text, rule,
 * delivery state); an event pattern then filters what it returns. With a pattern, a page may
 * hold fewer than `limit` items yet have a `next` cursor: the scan stopped at `maxScan` events,
 * and `next` (the last sequence examined) continues it without a gap.
 */
export async function searchEvents(store: ObserveIndex, query: EventSearchQuery, options: SearchOptions): Promise<EventPage> {
  const pattern = options.pattern;
  if (pattern === undefined) return store.search(query);
  const items: StoredEvent[] = [];
  let after = query.after;
  let scanned = 0;
  for (;;) {
    const chunk = Math.min(Math.max(query.limit * 4, 100), options.maxScan - scanned);
    const page = await store.search({ ...query, after, limit: chunk });
    for (const e of page.items) {
      scanned++;
      after = e.sequence;
      if (!pattern.matches(e.body)) continue;
      items.push(e);
      if (items.length === query.limit) {
        // More may follow if this page had more, or if the chunk had events after this one.
        const more = page.next !== undefined || e !== page.items[page.items.length - 1];
        return more ? { items, next: e.sequence } : { items };
      }
    }
    if (page.next === undefined) return { items };
    if (scanned >= options.maxScan) return after === undefined ? { items } : { items, next: after };
  }
}
