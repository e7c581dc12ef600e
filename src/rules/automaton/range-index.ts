/**
 * An interval index for the numeric range matchers of one ValueIndex: a lookup costs
 * O(log m + k) for m distinct bounds and k matching ranges, instead of testing every range.
 *
 * Layout. The distinct bounds p0 < p1 < … < p(m-1) cut the number line into 2m+1 elementary
 * segments: segment 2j+1 is the point {pj}, segment 2j is the open gap (p(j-1), pj) (with
 * p(-1) = -∞ and pm = +∞). Every range, whatever its inclusivity, covers a contiguous run of
 * segments, so it is stored at the O(log m) canonical nodes of a segment tree over them
 * (iterative, leaves at `size + segment`). A value's ranges are those stored on the path from
 * its segment's leaf to the root.
 *
 * Built lazily on the first lookup after the last add (adds happen only while an automaton is
 * being built; matching is synchronous, so no lookup ever sees a half-built tree).
 */
import type { ValueMatcher } from '../pattern/types.js';
import type { NameState } from './name-state.js';

type Range = Extract<ValueMatcher, { op: 'numeric' }>;

interface RangeEntry {
  readonly range: Range;
  readonly targets: NameState[];
}

/** Index of `v` in the sorted `points` if present, else -(insertion point) - 1. */
function search(points: Float64Array, v: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const p = points[mid]!;
    if (p < v) lo = mid + 1;
    else if (p > v) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** The elementary segment holding `v` (see module doc). */
function segmentOf(points: Float64Array, v: number): number {
  const j = search(points, v);
  return j >= 0 ? 2 * j + 1 : 2 * (-j - 1);
}

export class RangeIndex {
  private readonly entries: RangeEntry[] = [];
  private points = new Float64Array(0);
  /** Segment tree nodes: the entries stored at each node (undefined when none). */
  private nodes: (RangeEntry[] | undefined)[] = [];
  private size = 0;
  private built = true;

  /** Adds a distinct range (the caller dedupes equal ranges) and returns its target list. */
  add(range: Range): NameState[] {
    const entry: RangeEntry = { range, targets: [] };
    this.entries.push(entry);
    this.built = false;
    return entry.targets;
  }

  /** Appends the targets of every range containing `v` (a finite, exact number) to `out`. */
  collect(v: number, out: NameState[]): void {
    if (!this.built) this.build();
    const points = this.points;
    let node = this.size + segmentOf(points, v);
    while (node >= 1) {
      const stored = this.nodes[node];
      if (stored !== undefined) {
        for (let i = 0; i < stored.length; i++) {
          const t = stored[i]!.targets;
          for (let k = 0; k < t.length; k++) out.push(t[k]!);
        }
      }
      node >>>= 1;
    }
  }

  private build(): void {
    const bounds = new Set<number>();
    for (const { range } of this.entries) bounds.add(range.lower).add(range.upper);
    const points = Float64Array.from(bounds).sort();
    const segments = 2 * points.length + 1;
    let size = 1;
    while (size < segments) size <<= 1;
    const nodes: (RangeEntry[] | undefined)[] = new Array<RangeEntry[] | undefined>(2 * size).fill(undefined);
    for (const entry of this.entries) {
      const { lower, lowerInclusive, upper, upperInclusive } = entry.range;
      const lo = search(points, lower);
      const hi = search(points, upper);
      // Both bounds are in `points`, so lo and hi are exact indexes.
      const from = lowerInclusive ? 2 * lo + 1 : 2 * lo + 2;
      const to = upperInclusive ? 2 * hi + 1 : 2 * hi;
      for (let l = from + size, r = to + size + 1; l < r; l >>>= 1, r >>>= 1) {
        if (l & 1) (nodes[l++] ??= []).push(entry);
        if (r & 1) (nodes[--r] ??= []).push(entry);
      }
    }
    this.points = points;
    this.nodes = nodes;
    this.size = size;
    this.built = true;
  }
}
