import type { CesqlValue } from './types.js';

/**
 * The syntax tree of a CESQL expression, tagged by `type`. Parentheses leave no node: the tree
 * shape is the grouping. `at` is the 0-based offset of the token that names the node (the
 * operator for operations, the name for calls and attributes) and is what evaluation errors report.
 *
 * Invariants set by the parser: attribute names are lower-case (identifiers are
 * case-insensitive, CloudEvents attribute names are lower-case); function names are upper-case;
 * integer literals are 32-bit; a LIKE pattern is always a literal string; an IN set is non-empty.
 */
export type CesqlNode =
  | { readonly type: 'literal'; readonly value: CesqlValue; readonly at: number }
  | { readonly type: 'attribute'; readonly name: string; readonly at: number }
  | { readonly type: 'exists'; readonly name: string; readonly at: number }
  | { readonly type: 'unary'; readonly op: UnaryOp; readonly operand: CesqlNode; readonly at: number }
  | { readonly type: 'binary'; readonly op: BinaryOp; readonly left: CesqlNode; readonly right: CesqlNode; readonly at: number }
  | { readonly type: 'like'; readonly negated: boolean; readonly operand: CesqlNode; readonly pattern: string; readonly at: number }
  | { readonly type: 'in'; readonly negated: boolean; readonly operand: CesqlNode; readonly set: readonly CesqlNode[]; readonly at: number }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly CesqlNode[]; readonly at: number };

export type UnaryOp = 'NOT' | '-';

export type LogicOp = 'AND' | 'OR' | 'XOR';
export type EqualityOp = '=' | '!=' | '<>';
export type OrderOp = '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type BinaryOp = LogicOp | EqualityOp | OrderOp | ArithmeticOp;
