import { castTo } from './cast.js';
import { report, type Evaluator } from './context.js';
import type { CesqlFunction, CesqlFunctionResult } from './functions/function.js';
import type { FunctionTable } from './functions/function-table.js';
import { typeOf, zeroOf, type CesqlValue } from './types.js';

/**
 * Compiles a function invocation. The definition is resolved once, here, by name and arity; a
 * call nothing can dispatch evaluates to false with a MissingFunctionError (spec §3.5) — it is
 * not a parse error, because the set of functions is the engine's, not the language's.
 */
export function callFunction(name: string, args: readonly Evaluator[], at: number, functions: FunctionTable): Evaluator {
  const fn = functions.resolve(name, args.length);
  if (fn === undefined) {
    return (ctx) => {
      report(ctx, 'missingFunction', `no function ${name} takes ${args.length} argument(s)`, at);
      return false;
    };
  }
  const zero = zeroOf(fn.returns);
  return (ctx) => {
    // Arguments are all evaluated first; if any reported an error the call yields its zero value.
    const mark = ctx.errors.length;
    const raw = args.map((arg) => arg(ctx));
    if (ctx.errors.length !== mark) return zero;
    const values: CesqlValue[] = [];
    for (let i = 0; i < raw.length; i++) {
      const value = raw[i] as CesqlValue;
      const type = i < fn.params.length ? fn.params[i] : fn.variadic;
      if (type === 'Any' || type === undefined) {
        values.push(value);
        continue;
      }
      const cast = castTo(value, type);
      if (!cast.ok) {
        report(ctx, 'cast', `${fn.name} argument ${i + 1}: ${cast.reason}`, at);
        return zero;
      }
      values.push(cast.value);
    }
    return invoke(fn, values, zero, (kind, message) => report(ctx, kind, message, at));
  };
}

/** Runs `impl`, enforcing spec §3.5.3: whatever it does, the call yields a value of the return type. */
function invoke(
  fn: CesqlFunction,
  values: readonly CesqlValue[],
  zero: CesqlValue,
  fail: (kind: 'functionEvaluation' | 'math' | 'cast', message: string) => void,
): CesqlValue {
  let raw: CesqlValue | CesqlFunctionResult;
  try {
    raw = fn.impl(values);
  } catch (error) {
    fail('functionEvaluation', `${fn.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return zero;
  }
  const result: CesqlFunctionResult = typeof raw === 'object' && raw !== null ? raw : { value: raw };
  if (result.error !== undefined) fail(result.errorKind ?? 'functionEvaluation', result.error);
  if (!isValueOf(result.value, fn.returns)) {
    fail('functionEvaluation', `${fn.name} returned ${describe(result.value)}, not a ${fn.returns}`);
    return zero;
  }
  return typeof result.value === 'number' ? result.value | 0 : result.value; // no -0
}

function isValueOf(value: unknown, type: CesqlFunction['returns']): value is CesqlValue {
  if (typeof value === 'number') return type === 'Integer' && Number.isInteger(value) && value === (value | 0);
  return (typeof value === 'boolean' || typeof value === 'string') && typeOf(value) === type;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
