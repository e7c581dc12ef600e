/**
 * The value transitions leaving one state for one field path. Exact strings, numbers,
 * ignore-case values, IP addresses, prefixes and suffixes are hash-indexed, so a lookup costs
 * the same for 1 or 100,000 rules; prefixes and suffixes sit in character tries (affix-trie.ts,
 * one step per character of the value); numeric ranges sit in an interval index (range-index.ts,
 * O(log n + matches)); anything-but matchers are indexed by what they exclude
 * (exclusion-index.ts); wildcard, cidr and exists are tested one by one. Each distinct matcher
 * (by matcherKey) is stored once however many rules share it.
 */
import { ipKey, parseIp } from '../pattern/ip.js';
import { matchesLeaf } from '../pattern/match-value.js';
import type { LeafValue, ValueMatcher } from '../pattern/types.js';
import type { NumberInfo } from '../pattern/number.js';
import type { NameState } from './name-state.js';
import { ExclusionIndex } from './exclusion-index.js';
import { RangeIndex } from './range-index.js';
import { AffixTrie } from './affix-trie.js';

type Targets = NameState[];

interface LinearEntry {
  readonly matcher: ValueMatcher;
  readonly targets: Targets;
}

function addTo<K>(map: Map<K, Targets>, key: K, target: NameState): void {
  const t = map.get(key);
  if (t === undefined) map.set(key, [target]);
  else t.push(target);
}

function pushAll(t: Targets | undefined, out: NameState[]): void {
  if (t !== undefined) for (const s of t) out.push(s);
}

/** A stable key per matcher meaning, used to share linear entries and exclusive states. */
export function matcherKey(m: ValueMatcher): string {
  switch (m.op) {
    case 'exact':
      return `s:${m.value}`;
    case 'exact-number':
      return m.num.exact ? `n:${m.num.value}` : `l:${m.num.text}`;
    case 'exact-boolean':
      return `b:${m.value}`;
    case 'exact-null':
      return 'z:';
    case 'prefix':
    case 'suffix':
      return `${m.op}${m.ignoreCase ? 'I' : ''}:${m.value}`;
    case 'equals-ignore-case':
      return `i:${m.value}`;
    case 'wildcard':
      return `w:${m.wildcard.source}`;
    case 'numeric':
      return `r:${m.lowerInclusive ? '[' : '('}${m.lower},${m.upper}${m.upperInclusive ? ']' : ')'}`;
    case 'exists':
      return `e:${m.value}`;
    case 'cidr':
      return `c:${m.block.v6 ? 6 : 4}:${m.block.network.toString(16)}/${m.block.bits}`;
    case 'anything-but': {
      const x = m.exclusion;
      const vals = x.kind === 'wildcard' ? x.values.map((w) => w.source) : [...x.values].map(String);
      return `a:${x.kind}:${JSON.stringify(vals.sort())}`;
    }
  }
}

export class ValueIndex {
  private strings: Map<string, Targets> | undefined;
  private numbers: Map<number, Targets> | undefined;
  private literals: Map<string, Targets> | undefined;
  private ips: Map<string, Targets> | undefined;
  private ignoreCase: Map<string, Targets> | undefined;
  private trueT: Targets | undefined;
  private falseT: Targets | undefined;
  private nullT: Targets | undefined;
  private prefix: AffixTrie | undefined;
  private prefixIc: AffixTrie | undefined;
  private suffix: AffixTrie | undefined;
  private suffixIc: AffixTrie | undefined;
  /** The first code unit of each equals-ignore-case value (lower-cased), to skip lower-casing
   * values that cannot match (see collect). */
  private ignoreCaseFirst: Set<number> | undefined;
  private ranges: RangeIndex | undefined;
  private exclusions: ExclusionIndex | undefined;
  private readonly linear: LinearEntry[] = [];
  /** Target lists of the distinct non-hashed matchers by matcherKey (ranges, exclusions, linear). */
  private readonly sharedByKey = new Map<string, Targets>();

  add(m: ValueMatcher, target: NameState): void {
    switch (m.op) {
      case 'exact':
        addTo((this.strings ??= new Map()), m.value, target);
        if (m.ip !== undefined) addTo((this.ips ??= new Map()), m.ip, target);
        return;
      case 'exact-number':
        if (m.num.exact) addTo((this.numbers ??= new Map()), m.num.value, target);
        else addTo((this.literals ??= new Map()), m.num.text, target);
        return;
      case 'exact-boolean':
        if (m.value) (this.trueT ??= []).push(target);
        else (this.falseT ??= []).push(target);
        return;
      case 'exact-null':
        (this.nullT ??= []).push(target);
        return;
      case 'equals-ignore-case':
        addTo((this.ignoreCase ??= new Map()), m.value, target);
        (this.ignoreCaseFirst ??= new Set()).add(m.value.length === 0 ? -1 : m.value.charCodeAt(0));
        return;
      case 'prefix':
        (m.ignoreCase ? (this.prefixIc ??= new AffixTrie(false, true)) : (this.prefix ??= new AffixTrie(false, false))).add(m.value, target);
        return;
      case 'suffix':
        (m.ignoreCase ? (this.suffixIc ??= new AffixTrie(true, true)) : (this.suffix ??= new AffixTrie(true, false))).add(m.value, target);
        return;
      default: {
        const key = matcherKey(m);
        let targets = this.sharedByKey.get(key);
        if (targets === undefined) {
          if (m.op === 'numeric') targets = (this.ranges ??= new RangeIndex()).add(m);
          else if (m.op === 'anything-but') targets = (this.exclusions ??= new ExclusionIndex()).add(m.exclusion);
          else this.linear.push({ matcher: m, targets: (targets = []) });
          this.sharedByKey.set(key, targets);
        }
        targets.push(target);
      }
    }
  }

  /** Appends to `out` every state reached by the leaf value `v`. */
  collect(v: LeafValue, out: NameState[]): void {
    if (typeof v === 'string') {
      if (this.strings !== undefined) pushAll(this.strings.get(v), out);
      if (this.ips !== undefined) {
        const ip = parseIp(v);
        if (ip !== undefined) pushAll(this.ips.get(ipKey(ip)), out);
      }
      if (this.prefix !== undefined) this.prefix.collect(v, out);
      if (this.suffix !== undefined) this.suffix.collect(v, out);
      if (this.prefixIc !== undefined) this.prefixIc.collect(v, out);
      if (this.suffixIc !== undefined) this.suffixIc.collect(v, out);
      if (this.ignoreCase !== undefined) {
        // A value whose first character is ASCII lower-cases to a string opening with that
        // character folded: when no value of the index opens so, skip the lower-casing.
        let c = v.length === 0 ? -1 : v.charCodeAt(0);
        if (c >= 65 && c <= 90) c += 32;
        if (c >= 128 || this.ignoreCaseFirst!.has(c)) pushAll(this.ignoreCase.get(v.toLowerCase()), out);
      }
    } else if (v === true) pushAll(this.trueT, out);
    else if (v === false) pushAll(this.falseT, out);
    else if (v === null) pushAll(this.nullT, out);
    else {
      // Exact numbers meet exact-number values and ranges, inexact literals only the same
      // literal (docs/patterns.md "Numbers"). Exactness can cost a print of the double
      // (number.ts), so it is asked only once a lookup has found something.
      const n = v as NumberInfo;
      if (this.numbers !== undefined) {
        const t = this.numbers.get(n.value);
        if (t !== undefined && n.exact) pushAll(t, out);
      }
      if (this.ranges !== undefined) {
        const mark = out.length;
        this.ranges.collect(n.value, out);
        if (out.length > mark && !n.exact) out.length = mark;
      }
      if (this.literals !== undefined && !n.exact) pushAll(this.literals.get(n.text), out);
    }
    if (this.exclusions !== undefined) this.exclusions.collect(v, out);
    const linear = this.linear;
    for (let i = 0; i < linear.length; i++) {
      const e = linear[i]!;
      if (matchesLeaf(e.matcher, v)) pushAll(e.targets, out);
    }
  }
}
