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

export class NameState {
  readonly fields = new Map<string, ValueIndex>();
  readonly absent = new Map<string, NameState[]>();
  readonly rules: RuleRef[] = [];
  /** Exclusive successors by `${path}\0${matcherKey}` (see the sharing invariant). */
  readonly exclusive = new Map<string, NameState>();

  index(path: string): ValueIndex {
    let idx = this.fields.get(path);
    if (idx === undefined) this.fields.set(path, (idx = new ValueIndex()));
    return idx;
  }
}
