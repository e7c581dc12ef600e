import type { BusMatcher } from '../ingest/index.js';
import { RuleMatcher } from '../rules/index.js';

/** One compiled matcher per bus, from the rules engine (event patterns, subscriptions filters, CESQL). */
export function newBusMatcher(): BusMatcher {
  return new RuleMatcher();
}
