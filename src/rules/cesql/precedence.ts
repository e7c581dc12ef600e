import type { BinaryOp } from './ast.js';

/**
 * Binding strength of the infix and postfix operators, from spec §3.6 (higher binds tighter):
 *
 *   unary NOT, unary -     (prefix; their operand is a primary or another prefix operation)
 *   LIKE, NOT LIKE         6  postfix
 *   IN, NOT IN             5  postfix
 *   * / %                  4  left-associative
 *   + -                    3  left-associative
 *   = != <> < <= > >=      2  left-associative
 *   AND OR XOR             1  left-associative, one level: `a OR b AND c` is `(a OR b) AND c`
 *
 * Note the last line: unlike most SQL dialects, CESQL v1 gives AND, OR and XOR the same
 * precedence and evaluates them left to right. docs/cesql.md warns users to parenthesize.
 */
export const LEVEL_LOGIC = 1;
export const LEVEL_COMPARE = 2;
export const LEVEL_ADD = 3;
export const LEVEL_MUL = 4;
export const LEVEL_IN = 5;
export const LEVEL_LIKE = 6;
/** Operands of prefix operators are parsed above every infix/postfix level. */
export const LEVEL_PREFIX = 7;

export function binaryLevel(op: BinaryOp): number {
  switch (op) {
    case 'AND':
    case 'OR':
    case 'XOR':
      return LEVEL_LOGIC;
    case '=':
    case '!=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return LEVEL_COMPARE;
    case '+':
    case '-':
      return LEVEL_ADD;
    case '*':
    case '/':
    case '%':
      return LEVEL_MUL;
  }
}
