/**
 * The meaning of each value matcher on one leaf value (docs/patterns.md "Operators").
 * Used directly by the reference evaluator and by the automaton for the operators it does
 * not index (wildcard, numeric, cidr, anything-but), so both agree by construction.
 */
import { cidrContains, ipKey, parseIp } from './ip.js';
import { wildcardMatches } from './wildcard.js';
import type { Exclusion, LeafValue, ValueMatcher } from './types.js';
import type { NumberInfo } from './number.js';

const isNum = (v: LeafValue): v is NumberInfo => typeof v === 'object' && v !== null;

/** True when the leaf value `v` is excluded by an anything-but exclusion. */
export function excluded(x: Exclusion, v: LeafValue): boolean {
  switch (x.kind) {
    case 'strings':
      return typeof v === 'string' && x.values.has(v);
    case 'numbers':
      return isNum(v) && v.exact && x.values.has(v.value);
    case 'prefix':
      return typeof v === 'string' && x.values.some((p) => v.startsWith(p));
    case 'suffix':
      return typeof v === 'string' && x.values.some((p) => v.endsWith(p));
    case 'equals-ignore-case':
      return typeof v === 'string' && x.values.has(v.toLowerCase());
    case 'wildcard':
      return typeof v === 'string' && x.values.some((w) => wildcardMatches(w, v));
  }
}

/** True when `m` accepts the leaf value `v`. `exists: false` never accepts a leaf. */
export function matchesLeaf(m: ValueMatcher, v: LeafValue): boolean {
  switch (m.op) {
    case 'exact':
      if (typeof v !== 'string') return false;
      if (v === m.value) return true;
      if (m.ip === undefined) return false;
      {
        const ip = parseIp(v);
        return ip !== undefined && ipKey(ip) === m.ip;
      }
    case 'exact-number':
      if (!isNum(v)) return false;
      return m.num.exact ? v.exact && v.value === m.num.value : !v.exact && v.text === m.num.text;
    case 'exact-boolean':
      return v === m.value;
    case 'exact-null':
      return v === null;
    case 'prefix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).startsWith(m.value);
    case 'suffix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).endsWith(m.value);
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === m.value;
    case 'wildcard':
      return typeof v === 'string' && wildcardMatches(m.wildcard, v);
    case 'numeric':
      if (!isNum(v) || !v.exact) return false;
      return (
        (m.lowerInclusive ? v.value >= m.lower : v.value > m.lower) && (m.upperInclusive ? v.value <= m.upper : v.value < m.upper)
      );
    case 'exists':
      return m.value;
    case 'cidr': {
      if (typeof v !== 'string') return false;
      const ip = parseIp(v);
      return ip !== undefined && cidrContains(m.block, ip);
    }
    case 'anything-but':
      return !excluded(m.exclusion, v);
  }
}
