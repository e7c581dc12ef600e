/**
 * The compiled form of an event pattern (docs/patterns.md). A pattern compiles into a
 * disjunction of alternatives (`$or` expanded); an alternative is a conjunction of conditions
 * sorted by field path; a condition holds when some value matcher of it accepts a leaf value of
 * the event at its path (or, for `exists: false`, when no leaf is there).
 */
import type { NumberInfo } from './number.js';
import type { CidrBlock } from './ip.js';
import type { Wildcard } from './wildcard.js';

/** What `anything-but` excludes. String sets are compared case-sensitively except
 * `equals-ignore-case`, whose values are stored lower-cased. */
export type Exclusion =
  | { readonly kind: 'strings'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'numbers'; readonly values: ReadonlySet<number> }
  | { readonly kind: 'prefix'; readonly values: readonly string[] }
  | { readonly kind: 'suffix'; readonly values: readonly string[] }
  | { readonly kind: 'equals-ignore-case'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'wildcard'; readonly values: readonly Wildcard[] };

/** One value test. `ignoreCase` values are stored lower-cased. `ip` is the address key of an
 * exact string that is an IP address (it then also matches other spellings of that address). */
export type ValueMatcher =
  | { readonly op: 'exact'; readonly value: string; readonly ip: string | undefined }
  | { readonly op: 'exact-number'; readonly num: NumberInfo }
  | { readonly op: 'exact-boolean'; readonly value: boolean }
  | { readonly op: 'exact-null' }
  | { readonly op: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly op: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly op: 'equals-ignore-case'; readonly value: string }
  | { readonly op: 'wildcard'; readonly wildcard: Wildcard }
  | {
      readonly op: 'numeric';
      readonly lower: number;
      readonly lowerInclusive: boolean;
      readonly upper: number;
      readonly upperInclusive: boolean;
    }
  | { readonly op: 'exists'; readonly value: boolean }
  | { readonly op: 'cidr'; readonly block: CidrBlock; readonly source: string }
  | { readonly op: 'anything-but'; readonly exclusion: Exclusion };

/** A field condition: the OR of its matchers over the leaf values at `path`. */
export interface Condition {
  /** Dotted field path ("detail.state"); arrays do not add segments. */
  readonly path: string;
  readonly matchers: readonly ValueMatcher[];
  /** The pattern's value for this field, as written (used in "why not" reasons). */
  readonly expected: unknown;
}

/** A conjunction of conditions, sorted by path (stable for equal paths). */
export type Alternative = readonly Condition[];

/** A validated, compiled event pattern. */
export interface CompiledPattern {
  readonly alternatives: readonly Alternative[];
}

/** A scalar value found in an event: string, number (with its literal text), boolean, null. */
export type LeafValue = string | boolean | null | NumberInfo;

/** A leaf value with its path and its array membership: pairs (array id, element index) for
 * each array enclosing it, outermost first. Two leaves are consistent when they agree on the
 * index of every array they share (docs/patterns.md "Arrays"). */
export interface Leaf {
  readonly path: string;
  readonly value: LeafValue;
  readonly arrays: readonly number[];
}
