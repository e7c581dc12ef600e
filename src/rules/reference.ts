/**
 * The reference evaluator: a direct recursive interpretation of a compiled pattern over a
 * fully flattened event. It is the test oracle for the automaton (property tests compare
 * the two) and explains non-matches for testPattern.
 *
 * Semantics: an alternative matches when its conditions, taken in sorted path order, can each
 * be satisfied by a leaf consistent with the leaves chosen for the earlier ones (backtracking
 * over the choices); `exists: false` holds when no leaf at the path is consistent with the
 * choices so far. A pattern matches when one of its alternatives does.
 */
import { consistent, merge } from './event/membership.js';
import { matchesLeaf } from './pattern/match-value.js';
import type { EventLeaves } from './event/flatten.js';
import type { Alternative, CompiledPattern, Condition, Leaf } from './pattern/types.js';

const NONE: readonly Leaf[] = [];

function conditionLeaves(c: Condition, leaves: EventLeaves, acc: readonly number[]): { hits: Leaf[]; absent: boolean } {
  const at = leaves.get(c.path) ?? NONE;
  const hits: Leaf[] = [];
  let anyConsistent = false;
  for (const leaf of at) {
    if (!consistent(acc, leaf.arrays)) continue;
    anyConsistent = true;
    if (c.matchers.some((m) => matchesLeaf(m, leaf.value))) hits.push(leaf);
  }
  const absent = !anyConsistent && c.matchers.some((m) => m.op === 'exists' && !m.value);
  return { hits, absent };
}

/** Index of the deepest condition reached by the best failed attempt, or -1 on a match. */
function evalFrom(alt: Alternative, i: number, leaves: EventLeaves, acc: readonly number[]): number {
  if (i === alt.length) return -1;
  const { hits, absent } = conditionLeaves(alt[i]!, leaves, acc);
  let deepest = i;
  for (const leaf of hits) {
    const r = evalFrom(alt, i + 1, leaves, merge(acc, leaf.arrays));
    if (r < 0) return -1;
    if (r > deepest) deepest = r;
  }
  if (absent) {
    const r = evalFrom(alt, i + 1, leaves, acc);
    if (r < 0) return -1;
    if (r > deepest) deepest = r;
  }
  return deepest;
}

/** True when the fully flattened event matches the pattern. */
export function referenceMatch(pattern: CompiledPattern, leaves: EventLeaves): boolean {
  return pattern.alternatives.some((alt) => evalFrom(alt, 0, leaves, []) < 0);
}

/** The failing condition of the alternative that got furthest, or undefined on a match. */
export function referenceFailure(pattern: CompiledPattern, leaves: EventLeaves): Condition | undefined {
  let best: Condition | undefined;
  let bestDepth = -1;
  for (const alt of pattern.alternatives) {
    const d = evalFrom(alt, 0, leaves, []);
    if (d < 0) return undefined;
    if (d > bestDepth) {
      bestDepth = d;
      best = alt[d];
    }
  }
  return best;
}
