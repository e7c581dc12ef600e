import type { ArithmeticOp } from './ast.js';

/**
 * 32-bit integer arithmetic (spec §3.4.2). Division truncates toward zero and the remainder takes
 * the dividend's sign. A result outside the 32-bit range wraps around (two's complement, as Go's
 * and Java's int32 do) and is flagged `overflow` so the caller raises a MathError: the spec fixes
 * the Integer range but not what overflow yields, and a flagged wrap keeps evaluation total while
 * making a filter that overflows never match.
 *
 * Precondition: both operands are 32-bit integers and, for / and %, `right !== 0`.
 */
export function arithmetic(op: ArithmeticOp, left: number, right: number): { value: number; overflow: boolean } {
  let exact: number;
  let wrapped: number;
  switch (op) {
    case '+':
      exact = left + right;
      wrapped = exact | 0;
      break;
    case '-':
      exact = left - right;
      wrapped = exact | 0;
      break;
    case '*':
      // imul gives the exact wrapped product; the double product may be rounded above 2^53, but
      // it is then far outside the 32-bit range, so the overflow test below stays right.
      wrapped = Math.imul(left, right);
      exact = left * right;
      break;
    case '/':
      exact = Math.trunc(left / right);
      wrapped = exact | 0;
      break;
    case '%':
      exact = left % right;
      wrapped = exact | 0;
      break;
  }
  // `!==` treats -0 and 0 as equal, and `| 0` has already turned any -0 into 0.
  return { value: wrapped, overflow: wrapped !== exact };
}

/** Unary minus; only −(−2^31) overflows (and wraps to −2^31). */
export function negate(value: number): { value: number; overflow: boolean } {
  const wrapped = -value | 0;
  return { value: wrapped, overflow: wrapped !== -value };
}
