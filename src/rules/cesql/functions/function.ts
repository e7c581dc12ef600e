import type { CesqlParamType, CesqlType, CesqlValue } from '../types.js';

/**
 * A CESQL function definition (spec §3.5): the form of built-ins and of user-defined functions.
 *
 * Before `impl` runs, every argument has been cast to its parameter type (`Any` leaves it as is),
 * so `impl` may trust the types; an argument that cannot be cast makes the call return the zero
 * value of `returns` with a CastError, without calling `impl`.
 *
 * @example
 * const hasPrefix: CesqlFunction = {
 *   name: 'HASPREFIX', params: ['String', 'String'], returns: 'Boolean',
 *   impl: ([s, p]) => (s as string).startsWith(p as string),
 * };
 */
export interface CesqlFunction {
  /** `[A-Za-z][A-Za-z_]*`; matched case-insensitively. */
  readonly name: string;
  /** Types of the fixed parameters, in order. */
  readonly params: readonly CesqlParamType[];
  /** Makes the function variadic: any number (≥ 0) of further arguments, each cast to this type. */
  readonly variadic?: CesqlParamType;
  readonly returns: CesqlType;
  /**
   * The implementation. Return the value, or `{ value, error }` to return a value together with
   * an error (a FunctionEvaluationError unless `errorKind` says otherwise). A throw, or a value
   * that is not of type `returns`, becomes the zero value and a FunctionEvaluationError (§3.5.3).
   */
  readonly impl: (args: readonly CesqlValue[]) => CesqlValue | CesqlFunctionResult;
}

/** A value returned together with an error. */
export interface CesqlFunctionResult {
  readonly value: CesqlValue;
  readonly error?: string;
  readonly errorKind?: 'functionEvaluation' | 'math' | 'cast';
}
