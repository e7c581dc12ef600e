/**
 * Parsing of one operator object inside a field's value array (`{ "prefix": "x" }`, ...).
 * Each function returns the matcher or a reason string; parse.ts turns reasons into violations.
 */
import { RawNumber } from './raw-number.js';
import { numberInfo, numberInfoOfValue, type NumberInfo } from './number.js';
import { parseCidr, parseIp, ipKey } from './ip.js';
import { parseWildcard, type Wildcard } from './wildcard.js';
import type { Exclusion, ValueMatcher } from './types.js';
import type { PatternLimits } from './limits.js';

/** Operator names; inside `$or` they may not be used as field names. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set([
  'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr', 'exactly',
]);

/** Thrown inside this module to carry a reason (and a complexity flag) back to parse.ts. */
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'complex' = 'invalid',
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RawNumber);

/** NumberInfo of a pattern number, or undefined when `v` is not a number. */
export function patternNumber(v: unknown): NumberInfo | undefined {
  if (typeof v === 'number') return numberInfoOfValue(v);
  if (v instanceof RawNumber) return numberInfo(v.text);
  return undefined;
}

/** An exact-value matcher for a primitive in a field's value array. */
export function exactMatcher(v: unknown): ValueMatcher {
  if (typeof v === 'string') {
    const ip = parseIp(v);
    return { op: 'exact', value: v, ip: ip === undefined ? undefined : ipKey(ip) };
  }
  if (typeof v === 'boolean') return { op: 'exact-boolean', value: v };
  if (v === null) return { op: 'exact-null' };
  const num = patternNumber(v);
  if (num !== undefined) return { op: 'exact-number', num };
  throw new OperatorError('match value must be a string, number, true, false or null');
}

function requireString(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new OperatorError(`${what} match pattern must be a string`);
  return v;
}

function wildcardOf(v: unknown, limits: PatternLimits): Wildcard {
  const w = parseWildcard(requireString(v, 'wildcard'));
  if ('error' in w) throw new OperatorError(w.error);
  if (w.parts.length - 1 > limits.maxWildcardStars) {
    throw new OperatorError(`wildcard has ${w.parts.length - 1} '*', more than the limit of ${limits.maxWildcardStars}`, 'complex');
  }
  return w;
}

/** `{ "prefix": "x" }` / `{ "prefix": { "equals-ignore-case": "x" } }`, same for suffix. */
function affix(op: 'prefix' | 'suffix', v: unknown): ValueMatcher {
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1) throw new OperatorError('only one key allowed in match expression');
    if (keys[0] !== 'equals-ignore-case') throw new OperatorError(`unsupported ${op} pattern: ${keys[0]!}`);
    const s = requireString(v['equals-ignore-case'], 'equals-ignore-case');
    return { op, value: s.toLowerCase(), ignoreCase: true };
  }
  return { op, value: requireString(v, op), ignoreCase: false };
}

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

function numericBound(v: unknown, op: string): number {
  const num = patternNumber(v);
  if (num === undefined) throw new OperatorError(`value of ${op} must be numeric`);
  if (!num.exact) throw new OperatorError(`cannot compare number ${num.text}: it is not exactly representable as a double`);
  return num.value;
}

/** `["=", n]`, `["<"|"<=", n]`, or `[">"|">=", n, ("<"|"<=", m)?]` with n < m. */
function numeric(v: unknown): ValueMatcher {
  if (!Array.isArray(v)) throw new OperatorError('value of numeric must be an array');
  if (v.length === 0) throw new OperatorError('numeric expression must not be empty');
  if (v.length > 4) throw new OperatorError('too many terms in numeric range expression');
  const op0 = v[0];
  if (typeof op0 !== 'string' || !NUMERIC_OPS.has(op0)) throw new OperatorError(`unrecognized numeric range operator: ${String(op0)}`);
  const n0 = numericBound(v[1], op0);
  if (op0 === '=' || op0 === '<' || op0 === '<=') {
    if (v.length > 2) throw new OperatorError('too many elements in numeric expression');
    if (op0 === '=') return { op: 'numeric', lower: n0, lowerInclusive: true, upper: n0, upperInclusive: true };
    return { op: 'numeric', lower: -Infinity, lowerInclusive: false, upper: n0, upperInclusive: op0 === '<=' };
  }
  if (v.length === 2) return { op: 'numeric', lower: n0, lowerInclusive: op0 === '>=', upper: Infinity, upperInclusive: false };
  if (v.length !== 4) throw new OperatorError('a numeric range needs an operator and a value per bound');
  const op1 = v[2];
  if (op1 !== '<' && op1 !== '<=') throw new OperatorError(`bad numeric range operator: ${String(op1)} (the upper bound takes < or <=)`);
  const n1 = numericBound(v[3], op1);
  if (!(n0 < n1)) throw new OperatorError('bottom must be less than top');
  return { op: 'numeric', lower: n0, lowerInclusive: op0 === '>=', upper: n1, upperInclusive: op1 === '<=' };
}

function stringList(v: unknown, what: string, nonEmpty: boolean): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new OperatorError(`${what} list must not be empty`);
  return list.map((s) => {
    const str = requireString(s, what);
    if (nonEmpty && str === '') throw new OperatorError(`empty ${what} not allowed in anything-but`);
    return str;
  });
}

function anythingBut(v: unknown, limits: PatternLimits): Exclusion {
  if (typeof v === 'string') return { kind: 'strings', values: new Set([v]) };
  const single = patternNumber(v);
  if (single !== undefined) return { kind: 'numbers', values: new Set([exclusionNumber(single)]) };
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'string')) return { kind: 'strings', values: new Set(v as string[]) };
    const nums = v.map(patternNumber);
    if (v.length > 0 && nums.every((n) => n !== undefined)) {
      return { kind: 'numbers', values: new Set(nums.map((n) => exclusionNumber(n!))) };
    }
    throw new OperatorError('inside an anything-but list all values must be strings or all numbers (not empty, no null or booleans)');
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1) throw new OperatorError('only one key allowed in anything-but expression');
    const key = keys[0]!;
    const inner = v[key];
    switch (key) {
      case 'prefix':
      case 'suffix':
        return { kind: key, values: stringList(inner, key, true) };
      case 'equals-ignore-case':
        return { kind: key, values: new Set(stringList(inner, key, false).map((s) => s.toLowerCase())) };
      case 'wildcard':
        return { kind: key, values: (Array.isArray(inner) ? inner : [inner]).map((w) => wildcardOf(w, limits)) };
      default:
        throw new OperatorError(`unsupported anything-but pattern: ${key}`);
    }
  }
  throw new OperatorError('value of anything-but must be a string, a number, a non-empty list of them, or an object');
}

function exclusionNumber(n: NumberInfo): number {
  if (!n.exact) throw new OperatorError(`cannot compare number ${n.text}: it is not exactly representable as a double`);
  return n.value;
}

/** Parses one operator object (exactly one key). */
export function operatorMatcher(obj: Record<string, unknown>, limits: PatternLimits): ValueMatcher {
  const keys = Object.keys(obj);
  if (keys.length !== 1) throw new OperatorError('only one key allowed in match expression');
  const name = keys[0]!;
  const v = obj[name];
  switch (name) {
    case 'prefix':
    case 'suffix':
      return affix(name, v);
    case 'equals-ignore-case':
      return { op: 'equals-ignore-case', value: requireString(v, name).toLowerCase() };
    case 'exactly':
      return exactMatcher(requireString(v, 'exact'));
    case 'wildcard':
      return { op: 'wildcard', wildcard: wildcardOf(v, limits) };
    case 'numeric':
      return numeric(v);
    case 'exists':
      if (typeof v !== 'boolean') throw new OperatorError('exists match pattern must be either true or false');
      return { op: 'exists', value: v };
    case 'cidr': {
      const block = parseCidr(requireString(v, 'cidr'));
      if ('error' in block) throw new OperatorError(block.error);
      return { op: 'cidr', block, source: v as string };
    }
    case 'anything-but':
      return { op: 'anything-but', exclusion: anythingBut(v, limits) };
    default:
      throw new OperatorError(`unrecognized match type ${name}`);
  }
}

export { isObject };
