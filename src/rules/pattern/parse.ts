/**
 * Validates and compiles an event pattern (docs/patterns.md) into a CompiledPattern:
 * nested objects become dotted paths, `$or` expands into alternatives (their product when
 * several or nested), and every problem becomes one violation with a JSON-pointer path into
 * the pattern. Invalid input throws SwitchyardError SWY_RULES_INVALID_PATTERN (or
 * SWY_RULES_PATTERN_TOO_LARGE / SWY_RULES_PATTERN_TOO_COMPLEX for limits).
 */
import { SwitchyardError, type Violation } from '../../core/index.js';
import { JsonTextError, parseJsonLossless } from './json-text.js';
import { RawNumber } from './raw-number.js';
import { DEFAULT_PATTERN_LIMITS, type PatternLimits } from './limits.js';
import { OPERATOR_NAMES, OperatorError, exactMatcher, isObject, operatorMatcher } from './operators.js';
import type { Alternative, CompiledPattern, Condition, ValueMatcher } from './types.js';

interface Ctx {
  readonly limits: PatternLimits;
  readonly violations: Violation[];
  complex: boolean;
  tooMany: boolean;
}

const pointer = (base: string, key: string | number): string =>
  `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

function product(a: Condition[][], b: Condition[][], ctx: Ctx): Condition[][] {
  if (a.length * b.length > ctx.limits.maxAlternatives) {
    ctx.tooMany = true;
    return a;
  }
  const out: Condition[][] = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

function fieldMatchers(values: unknown[], ptr: string, ctx: Ctx): ValueMatcher[] {
  const out: ValueMatcher[] = [];
  values.forEach((v, i) => {
    try {
      if (Array.isArray(v)) throw new OperatorError('match value must be a string, number, true, false or null, not an array');
      out.push(isObject(v) ? operatorMatcher(v, ctx.limits) : exactMatcher(v));
    } catch (e) {
      if (!(e instanceof OperatorError)) throw e;
      if (e.kind === 'complex') ctx.complex = true;
      ctx.violations.push({ path: pointer(ptr, i), reason: e.message });
    }
  });
  return out;
}

function walk(obj: Record<string, unknown>, prefix: string, ptr: string, inOr: boolean, ctx: Ctx): Condition[][] {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    ctx.violations.push({ path: ptr, reason: 'empty objects are not allowed' });
    return [[]];
  }
  let alts: Condition[][] = [[]];
  for (const key of keys) {
    const v = obj[key];
    const p = pointer(ptr, key);
    if (key === '$or') {
      if (!Array.isArray(v) || v.length < 2) {
        ctx.violations.push({ path: p, reason: '$or needs an array of at least 2 objects' });
        continue;
      }
      const branches: Condition[][] = [];
      v.forEach((el, i) => {
        if (isObject(el)) branches.push(...walk(el, prefix, pointer(p, i), true, ctx));
        else ctx.violations.push({ path: pointer(p, i), reason: 'only JSON objects are allowed in a $or array' });
      });
      alts = product(alts, branches, ctx);
      continue;
    }
    if (inOr && OPERATOR_NAMES.has(key)) {
      ctx.violations.push({ path: p, reason: `"${key}" is an operator name and cannot be a field name inside $or` });
      continue;
    }
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        ctx.violations.push({ path: p, reason: 'empty arrays are not allowed' });
        continue;
      }
      const cond: Condition = { path, matchers: fieldMatchers(v, p, ctx), expected: v };
      for (const a of alts) a.push(cond);
    } else if (isObject(v)) {
      alts = product(alts, walk(v, path, p, false, ctx), ctx);
    } else {
      ctx.violations.push({ path: p, reason: `"${key}" must be an object or an array` });
    }
  }
  return alts;
}

/** Stable sort by path: the automaton walks conditions in this order. */
function sortConditions(a: Condition[]): Alternative {
  return a.map((c, i) => [c, i] as const).sort((x, y) => (x[0].path < y[0].path ? -1 : x[0].path > y[0].path ? 1 : x[1] - y[1])).map((x) => x[0]);
}

function fail(ctx: Ctx): never {
  if (ctx.tooMany) {
    throw new SwitchyardError('SWY_RULES_PATTERN_TOO_LARGE', `pattern expands into more than ${ctx.limits.maxAlternatives} $or alternatives`, {
      violations: [{ path: '', reason: `more than ${ctx.limits.maxAlternatives} alternatives after expanding $or` }, ...ctx.violations],
    });
  }
  const code = ctx.complex && ctx.violations.length === 1 ? 'SWY_RULES_PATTERN_TOO_COMPLEX' : 'SWY_RULES_INVALID_PATTERN';
  throw new SwitchyardError(code, `invalid event pattern: ${ctx.violations.map((v) => `${v.path || '/'}: ${v.reason}`).join('; ')}`, {
    violations: ctx.violations,
  });
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function checkSize(bytes: number, limits: PatternLimits): void {
  if (bytes > limits.maxPatternBytes) {
    throw new SwitchyardError('SWY_RULES_PATTERN_TOO_LARGE', `pattern is ${bytes} bytes, more than the limit of ${limits.maxPatternBytes}`, {
      violations: [{ path: '', reason: `pattern text longer than ${limits.maxPatternBytes} bytes` }],
    });
  }
}

/**
 * Compiles a pattern given as a JS value (from JSON.parse, or parseJsonLossless to keep
 * inexact number literals). Throws SwitchyardError on an invalid pattern.
 * @example compilePattern({ source: ['shop'], data: { total: [{ numeric: ['>', 100] }] } })
 */
export function compilePattern(pattern: unknown, limits: PatternLimits = DEFAULT_PATTERN_LIMITS): CompiledPattern {
  checkSize(byteLength(JSON.stringify(pattern, (_k, v: unknown) => (v instanceof RawNumber ? v.text : v)) ?? ''), limits);
  const ctx: Ctx = { limits, violations: [], complex: false, tooMany: false };
  if (!isObject(pattern)) {
    ctx.violations.push({ path: '', reason: 'a pattern must be a JSON object' });
    fail(ctx);
  }
  const alts = walk(pattern, '', '', false, ctx);
  if (ctx.violations.length > 0 || ctx.tooMany) fail(ctx);
  return { alternatives: alts.map(sortConditions) };
}

/** Compiles a pattern given as raw JSON text; number literals keep their exact text. */
export function compilePatternText(text: string, limits: PatternLimits = DEFAULT_PATTERN_LIMITS): CompiledPattern {
  checkSize(byteLength(text), limits);
  let value: unknown;
  try {
    value = parseJsonLossless(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new SwitchyardError('SWY_RULES_INVALID_PATTERN', `pattern is not valid JSON: ${e.message}`, {
      violations: [{ path: '', reason: `not valid JSON: ${e.message}` }],
    });
  }
  return compilePattern(value, limits);
}
