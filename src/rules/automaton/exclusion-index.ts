/**
 * The anything-but matchers of one ValueIndex, indexed by what they exclude. A value reaches
 * every anything-but matcher except those excluding it, so a lookup finds the excluders by
 * hash (strings, numbers, ignore-case values) or by probing the distinct prefix/suffix lengths,
 * marks them, and emits the targets of every unmarked entry: per entry one integer compare
 * instead of a set lookup or a scan of its values. Wildcard exclusions are tested one by one.
 *
 * Marks are a per-lookup stamp stored on the entry; lookups are synchronous, so two never
 * interleave, and the stamp only ever grows, so an old mark never equals a new one.
 */
import { excluded } from '../pattern/match-value.js';
import type { Exclusion, LeafValue } from '../pattern/types.js';
import type { NumberInfo } from '../pattern/number.js';
import type { NameState } from './name-state.js';

interface ExclusionEntry {
  readonly exclusion: Exclusion;
  readonly targets: NameState[];
  mark: number;
}

let lookupStamp = 0;

function addTo<K>(map: Map<K, ExclusionEntry[]>, key: K, e: ExclusionEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [e]);
  else list.push(e);
}

/** Excluders by affix text, probed at each distinct affix length. */
class AffixExcluders {
  readonly byAffix = new Map<string, ExclusionEntry[]>();
  lengths: number[] = [];

  add(affix: string, e: ExclusionEntry): void {
    addTo(this.byAffix, affix, e);
    if (!this.lengths.includes(affix.length)) this.lengths = [...this.lengths, affix.length].sort((a, b) => a - b);
  }

  mark(v: string, suffix: boolean, stamp: number): void {
    for (const len of this.lengths) {
      if (len > v.length) return;
      const list = this.byAffix.get(suffix ? v.slice(v.length - len) : v.slice(0, len));
      if (list !== undefined) for (const e of list) e.mark = stamp;
    }
  }
}

export class ExclusionIndex {
  private readonly entries: ExclusionEntry[] = [];
  private readonly wildcards: ExclusionEntry[] = [];
  private strings: Map<string, ExclusionEntry[]> | undefined;
  private numbers: Map<number, ExclusionEntry[]> | undefined;
  private ignoreCase: Map<string, ExclusionEntry[]> | undefined;
  private prefixes: AffixExcluders | undefined;
  private suffixes: AffixExcluders | undefined;

  /** Adds a distinct anything-but matcher (the caller dedupes) and returns its target list. */
  add(exclusion: Exclusion): NameState[] {
    const e: ExclusionEntry = { exclusion, targets: [], mark: 0 };
    this.entries.push(e);
    switch (exclusion.kind) {
      case 'strings':
        for (const s of exclusion.values) addTo((this.strings ??= new Map()), s, e);
        break;
      case 'numbers':
        for (const n of exclusion.values) addTo((this.numbers ??= new Map()), n, e);
        break;
      case 'equals-ignore-case':
        for (const s of exclusion.values) addTo((this.ignoreCase ??= new Map()), s, e);
        break;
      case 'prefix':
        for (const p of exclusion.values) (this.prefixes ??= new AffixExcluders()).add(p, e);
        break;
      case 'suffix':
        for (const p of exclusion.values) (this.suffixes ??= new AffixExcluders()).add(p, e);
        break;
      case 'wildcard':
        this.wildcards.push(e);
        break;
    }
    return e.targets;
  }

  /** Appends the targets of every anything-but matcher that accepts `v` to `out`. */
  collect(v: LeafValue, out: NameState[]): void {
    const stamp = ++lookupStamp;
    if (typeof v === 'string') {
      mark(this.strings?.get(v), stamp);
      if (this.ignoreCase !== undefined) mark(this.ignoreCase.get(v.toLowerCase()), stamp);
      if (this.prefixes !== undefined) this.prefixes.mark(v, false, stamp);
      if (this.suffixes !== undefined) this.suffixes.mark(v, true, stamp);
      for (const e of this.wildcards) if (excluded(e.exclusion, v)) e.mark = stamp;
    } else if (typeof v === 'object' && v !== null && this.numbers !== undefined) {
      const n = v as NumberInfo;
      const list = this.numbers.get(n.value);
      if (list !== undefined && n.exact) mark(list, stamp);
    }
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.mark === stamp) continue;
      const t = e.targets;
      for (let k = 0; k < t.length; k++) out.push(t[k]!);
    }
  }
}

function mark(list: ExclusionEntry[] | undefined, stamp: number): void {
  if (list !== undefined) for (const e of list) e.mark = stamp;
}
