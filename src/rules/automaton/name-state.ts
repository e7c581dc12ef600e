/**
 * A state of the pattern automaton. Leaving a state means consuming one leaf of the event at
 * one of the field paths in `fields` (through that path's ValueIndex), or, for `exists: false`,
 * finding no consistent leaf at a path in `absent`. Reaching a state matches its `rules`.
 *
 * Sharing invariant: a state in `exclusive` was created as the only target of exactly one
 * (path, matcher) transition, so another rule whose next condition is that same single matcher
 * may continue from it. States created for multi-matcher conditions are never shared, because
 * they are reachable by several values and would widen the other rule.
 */
import { ValueIndex } from './value-index.js';

/** A rule (one alternative of its pattern ends in a state). `stamp` dedupes within one match. */
export interface RuleRef {
  readonly id: string;
  stamp: number;
}

/** Shared by every state that has none (never written: writers replace it first). */
const NO_FIELDS: ReadonlyMap<string, ValueIndex> = new Map();
const NO_ABSENT: ReadonlyMap<string, NameState[]> = new Map();
const NO_RULES: readonly RuleRef[] = [];
const NO_PATHS: readonly string[] = [];
const NO_INDEXES: readonly ValueIndex[] = [];

/** The maps and the rule list are allocated on first write: most states are a rule's last
 * state, with rules and nothing else, and three empty Maps would cost ~0.4 KB each. */
export class NameState {
  fields: ReadonlyMap<string, ValueIndex> = NO_FIELDS;
  /** The entries of `fields` as two parallel arrays, for the match loop (no iterator). */
  fieldPaths: readonly string[] = NO_PATHS;
  fieldIndexes: readonly ValueIndex[] = NO_INDEXES;
  absent: ReadonlyMap<string, NameState[]> = NO_ABSENT;
  rules: readonly RuleRef[] = NO_RULES;
  /** Exclusive successors by `${path}\0${matcherKey}` (see the sharing invariant); used while
   * the automaton is built, dropped once it is. */
  exclusive: Map<string, NameState> | undefined;

  index(path: string): ValueIndex {
    if (this.fields === NO_FIELDS) this.fields = new Map();
    const fields = this.fields as Map<string, ValueIndex>;
    let idx = fields.get(path);
    if (idx === undefined) {
      fields.set(path, (idx = new ValueIndex()));
      if (this.fieldPaths === NO_PATHS) {
        this.fieldPaths = [];
        this.fieldIndexes = [];
      }
      (this.fieldPaths as string[]).push(path);
      (this.fieldIndexes as ValueIndex[]).push(idx);
    }
    return idx;
  }

  addAbsent(path: string, next: NameState): void {
    if (this.absent === NO_ABSENT) this.absent = new Map();
    const absent = this.absent as Map<string, NameState[]>;
    const t = absent.get(path);
    if (t === undefined) absent.set(path, [next]);
    else if (!t.includes(next)) t.push(next);
  }

  addRule(ref: RuleRef): void {
    if (this.rules === NO_RULES) this.rules = [ref];
    else if (!this.rules.includes(ref)) (this.rules as RuleRef[]).push(ref);
  }
}
