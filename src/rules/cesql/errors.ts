/**
 * Evaluation errors (spec §3.3). CESQL is total: an error never stops the evaluation by itself;
 * the operator that meets it returns a value (usually the zero value of its return type) and the
 * error joins the error list returned beside the result.
 *
 * `parse` errors never appear here: a parse error is thrown as a SwitchyardError at compile time.
 */
export type CesqlErrorKind =
  | 'math'
  | 'cast'
  | 'missingAttribute'
  | 'missingFunction'
  | 'functionEvaluation'
  | 'generic';

/** One error of an evaluation: its kind (the TCK's names), a message and the expression offset it arose at. */
export interface CesqlError {
  readonly kind: CesqlErrorKind;
  readonly message: string;
  /** Offset (0-based, UTF-16 code units) in the expression text of the sub-expression that failed. */
  readonly position: number;
}
