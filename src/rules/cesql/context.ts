import type { CesqlError, CesqlErrorKind } from './errors.js';
import type { CesqlValue } from './types.js';

/**
 * A compiled sub-expression: it returns a value and reports errors into the context.
 *
 * Error propagation: an operator or function whose operand reported an error (the error list grew
 * while evaluating it) returns the zero value of its own return type without computing (spec §3.3,
 * as the TCK requires: `true AND (1 != 1 / 0)` is false). So `missing / 0` is 0 with only a
 * MissingAttributeError, `NOT missing` is false, and the top-level value is the failing
 * operator's zero value.
 */
export type Evaluator = (ctx: EvalContext) => CesqlValue;

/** Thrown by report() in fail-fast mode to abandon an evaluation at its first error (spec §4.1). */
export const FAIL_FAST: unique symbol = Symbol('cesql.failFast');

/** The state of one evaluation: the event, the error list, and the error-handling mode. */
export interface EvalContext {
  readonly event: Readonly<Record<string, unknown>>;
  readonly errors: CesqlError[];
  readonly failFast: boolean;
}

export function report(ctx: EvalContext, kind: CesqlErrorKind, message: string, position: number): void {
  ctx.errors.push({ kind, message, position });
  if (ctx.failFast) throw FAIL_FAST;
}
