import { SwitchyardError, type Violation } from '../../../core/index.js';
import type { CesqlFunction } from './function.js';
import { castFunctions } from './cast-functions.js';
import { mathFunctions } from './math-functions.js';
import { stringFunctions } from './string-functions.js';

const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;
const PARAM_TYPES: ReadonlySet<unknown> = new Set(['Boolean', 'Integer', 'String', 'Any']);
const RETURN_TYPES: ReadonlySet<unknown> = new Set(['Boolean', 'Integer', 'String']);

/** Every built-in function of CESQL v1 (plus IS_INT / IS_BOOL). */
export const builtinFunctions: readonly CesqlFunction[] = [...castFunctions, ...stringFunctions, ...mathFunctions];

/**
 * The functions an expression can call, by upper-cased name and arity. Built once per compile
 * options; resolution happens at compile time, so evaluation never searches.
 *
 * Invariant (spec §3.5, checked in the constructor): per name, at most one definition per fixed
 * arity and at most one variadic one, whose fixed parameters outnumber every fixed arity — so
 * each call resolves to at most one definition.
 */
export class FunctionTable {
  private readonly fixed = new Map<string, Map<number, CesqlFunction>>();
  private readonly variadic = new Map<string, CesqlFunction>();

  /** Throws SWY_RULES_CESQL_FUNCTION listing every invalid user definition. */
  constructor(userFunctions: readonly CesqlFunction[] = []) {
    for (const fn of builtinFunctions) this.add(fn);
    const violations: Violation[] = [];
    userFunctions.forEach((fn, i) => {
      const problem = this.check(fn);
      if (problem !== undefined) violations.push({ path: `/functions/${i}`, reason: problem });
      else this.add(fn);
    });
    if (violations.length > 0) {
      throw new SwitchyardError('SWY_RULES_CESQL_FUNCTION', 'Invalid CESQL function definition', { violations });
    }
  }

  /** The definition a call with `arity` arguments dispatches to, if any. */
  resolve(name: string, arity: number): CesqlFunction | undefined {
    const key = name.toUpperCase();
    const exact = this.fixed.get(key)?.get(arity);
    if (exact !== undefined) return exact;
    const v = this.variadic.get(key);
    return v !== undefined && arity >= v.params.length ? v : undefined;
  }

  private add(fn: CesqlFunction): void {
    const key = fn.name.toUpperCase();
    if (fn.variadic !== undefined) {
      this.variadic.set(key, fn);
      return;
    }
    let byArity = this.fixed.get(key);
    if (byArity === undefined) this.fixed.set(key, (byArity = new Map()));
    byArity.set(fn.params.length, fn);
  }

  /** Why `fn` cannot join the table, or undefined when it can. */
  private check(fn: CesqlFunction): string | undefined {
    // Definitions often come from untyped code or config: check the shape, not only the types.
    const candidate = fn as Partial<CesqlFunction> | null;
    if (typeof candidate !== 'object' || candidate === null) return 'a function definition must be an object';
    if (typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name)) return `name ${JSON.stringify(fn.name)} must match [A-Za-z][A-Za-z_]*`;
    if (!Array.isArray(fn.params) || !fn.params.every((t) => PARAM_TYPES.has(t))) return `${fn.name}: params must list Boolean, Integer, String or Any`;
    if (fn.variadic !== undefined && !PARAM_TYPES.has(fn.variadic)) return `${fn.name}: variadic must be Boolean, Integer, String or Any`;
    if (!RETURN_TYPES.has(fn.returns)) return `${fn.name}: returns must be Boolean, Integer or String`;
    if (typeof fn.impl !== 'function') return `${fn.name}: impl must be a function`;
    const key = fn.name.toUpperCase();
    const fixedArities = [...(this.fixed.get(key)?.keys() ?? [])];
    const variadic = this.variadic.get(key);
    if (fn.variadic === undefined) {
      if (fixedArities.includes(fn.params.length)) return `${key} with ${fn.params.length} argument(s) is already defined`;
      if (variadic !== undefined && fn.params.length >= variadic.params.length) {
        return `${key} with ${fn.params.length} argument(s) clashes with the variadic ${key} taking ${variadic.params.length} or more`;
      }
      return undefined;
    }
    if (variadic !== undefined) return `${key} already has a variadic definition`;
    const maxArity = Math.max(-1, ...fixedArities);
    if (fn.params.length <= maxArity) {
      return `a variadic ${key} needs more fixed parameters (${fn.params.length}) than any other ${key} definition has (${maxArity})`;
    }
    return undefined;
  }
}
