/**
 * The compiled pattern automaton over sorted field paths (docs/patterns.md "Matching model").
 * Each alternative of a pattern is a chain of states, one condition per step in sorted path
 * order; chains share their common leading steps (see NameState's sharing invariant), so an
 * event walks each distinct step once, and exact values are looked up in hash maps: the cost
 * per event grows with the event and the distinct operators, not with the number of rules.
 *
 * Immutable once built: `build` is the only writer. Matching keeps its scratch state (the
 * dedupe stamp) in RuleRef and in per-call locals, so one automaton may be matched again and
 * again while a newer one is being built.
 */
import { consistent, merge } from '../event/membership.js';
import { buildPathTrie, type PathTrieNode } from '../event/path-trie.js';
import type { EventLeaves } from '../event/flatten.js';
import type { CompiledPattern, ValueMatcher } from '../pattern/types.js';
import { NameState, type RuleRef } from './name-state.js';
import type { Leaf } from '../pattern/types.js';
import { matcherKey, type ValueIndex } from './value-index.js';

export class Automaton {
  private constructor(
    private readonly start: NameState,
    /** Every path some condition uses: the flatteners extract only these. */
    readonly paths: ReadonlySet<string>,
    readonly trie: PathTrieNode,
    readonly size: number,
  ) {}

  /** Builds an automaton for the given rules (each RuleRef with its compiled pattern). */
  static build(rules: Iterable<readonly [RuleRef, CompiledPattern]>): Automaton {
    const start = new NameState();
    const paths = new Set<string>();
    const sharing: NameState[] = [];
    let size = 0;
    for (const [ref, pattern] of rules) {
      size++;
      for (const alt of pattern.alternatives) {
        let cur = start;
        for (const cond of alt) {
          paths.add(cond.path);
          cur = addStep(cur, cond.path, cond.matchers, sharing);
        }
        cur.addRule(ref);
      }
    }
    // The sharing maps serve only this build (an automaton is never extended): free them.
    for (const st of sharing) st.exclusive = undefined;
    return new Automaton(start, paths, buildPathTrie(paths), size);
  }

  /**
   * Appends the id of each matching rule not in `removed` to `out`, once (deduped with `stamp`,
   * which must be fresh).
   */
  run(leaves: EventLeaves, stamp: number, out: string[], removed: ReadonlySet<RuleRef> | null): void {
    // Matching is synchronous and never re-entered (nothing here calls out), so one scratch
    // walk serves every call: no allocation per event.
    const w = WALK;
    w.leaves = leaves;
    w.stamp = stamp;
    w.out = out;
    w.removed = removed;
    visit(this.start, EMPTY, w);
    w.leaves = NO_LEAVES;
    w.out = NO_OUT;
    w.removed = null;
  }
}

const EMPTY: readonly number[] = [];
const NO_LEAVES: EventLeaves = new Map();
const NO_OUT: string[] = [];

/** Per-match locals, passed down instead of captured (one shared instance: see `run`). */
class Walk {
  leaves: EventLeaves = NO_LEAVES;
  stamp = 0;
  out: string[] = NO_OUT;
  removed: ReadonlySet<RuleRef> | null = null;
  /** Shared stack of successor states; each frame uses the slice above its mark. */
  readonly buf: NameState[] = [];
}

const WALK = new Walk();

/** Depth-first walk from `state` with array membership `acc` (see reference.ts semantics). */
function visit(state: NameState, acc: readonly number[], w: Walk): void {
  const rules = state.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.stamp !== w.stamp) {
      r.stamp = w.stamp;
      if (w.removed === null || !w.removed.has(r)) w.out.push(r.id);
    }
  }
  const paths = state.fieldPaths;
  if (paths.length > 0) {
    const leaves = w.leaves;
    if (paths.length <= leaves.size) {
      const indexes = state.fieldIndexes;
      for (let f = 0; f < paths.length; f++) {
        const list = leaves.get(paths[f]!);
        if (list !== undefined) step(indexes[f]!, list, acc, w);
      }
    } else {
      const fields = state.fields;
      for (const [key, list] of leaves) {
        const idx = fields.get(key);
        if (idx !== undefined) step(idx, list, acc, w);
      }
    }
  }
  if (state.absent.size > 0) {
    for (const [path, targets] of state.absent) {
      const list = w.leaves.get(path);
      if (list !== undefined && list.some((l) => consistent(acc, l.arrays))) continue;
      for (const t of targets) visit(t, acc, w);
    }
  }
}

/** Follows the transitions of `idx` for each leaf of its path consistent with `acc`. */
function step(idx: ValueIndex, list: readonly Leaf[], acc: readonly number[], w: Walk): void {
  for (let li = 0; li < list.length; li++) {
    const leaf = list[li]!;
    if (!consistent(acc, leaf.arrays)) continue;
    const buf = w.buf;
    const mark = buf.length;
    idx.collect(leaf.value, buf);
    const end = buf.length;
    if (end === mark) continue;
    const next = merge(acc, leaf.arrays);
    for (let k = mark; k < end; k++) visit(buf[k]!, next, w);
    buf.length = mark;
  }
}

/** Adds the transitions of one condition leaving `cur`; returns the state after it. */
function addStep(cur: NameState, path: string, matchers: readonly ValueMatcher[], sharing: NameState[]): NameState {
  if (matchers.length === 1) {
    const m = matchers[0]!;
    const absent = m.op === 'exists' && !m.value;
    const key = `${path}\u0000${absent ? 'absent' : matcherKey(m)}`;
    const existing = cur.exclusive?.get(key);
    if (existing !== undefined) return existing;
    const next = new NameState();
    if (cur.exclusive === undefined) {
      cur.exclusive = new Map();
      sharing.push(cur);
    }
    cur.exclusive.set(key, next);
    link(cur, path, m, next);
    return next;
  }
  const next = new NameState();
  for (const m of matchers) link(cur, path, m, next);
  return next;
}

function link(cur: NameState, path: string, m: ValueMatcher, next: NameState): void {
  if (m.op === 'exists' && !m.value) {
    cur.addAbsent(path, next);
  } else {
    cur.index(path).add(m, next);
  }
}
