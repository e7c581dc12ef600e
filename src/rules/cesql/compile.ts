import { arithmetic, negate } from './arithmetic.js';
import type { BinaryOp, CesqlNode } from './ast.js';
import { readAttribute } from './attributes.js';
import { castTo, toCesqlString } from './cast.js';
import { report, type EvalContext, type Evaluator } from './context.js';
import { callFunction } from './call.js';
import type { FunctionTable } from './functions/function-table.js';
import { compileLike } from './like.js';
import { typeOf, type CesqlType, type CesqlValue } from './types.js';

/**
 * Compiles a syntax tree into a tree of closures. Every operator follows the same contract:
 * - it notes the error count, evaluates its operands, and if any of them reported an error it
 *   returns the zero value of its return type at once (see context.ts);
 * - an operand it cannot cast makes it report a CastError and return that zero value;
 * - otherwise it computes, reporting a MathError where the spec says so.
 * AND and OR evaluate their right operand only when the left one does not decide (spec §3.4.2).
 */
export function compileNode(node: CesqlNode, functions: FunctionTable): Evaluator {
  switch (node.type) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'attribute': {
      const { name, at } = node;
      return (ctx) => {
        const value = readAttribute(ctx.event, name);
        if (value !== undefined) return value;
        report(ctx, 'missingAttribute', `attribute '${name}' is not in the event`, at);
        // The reference has no return type of its own; spec §3.2 says assume Boolean.
        return false;
      };
    }
    case 'exists': {
      const name = node.name;
      return (ctx) => readAttribute(ctx.event, name) !== undefined;
    }
    case 'unary':
      return node.op === 'NOT' ? compileNot(node.operand, node.at, functions) : compileNegate(node.operand, node.at, functions);
    case 'binary':
      return compileBinary(node.op, compileNode(node.left, functions), compileNode(node.right, functions), node.at);
    case 'like': {
      const operand = compileNode(node.operand, functions);
      const matches = compileLike(node.pattern);
      const negated = node.negated;
      return (ctx) => {
        const mark = ctx.errors.length;
        const value = operand(ctx);
        if (ctx.errors.length !== mark) return false;
        return matches(toCesqlString(value)) !== negated;
      };
    }
    case 'in':
      return compileIn(node.negated, compileNode(node.operand, functions), node.set.map((n) => compileNode(n, functions)), node.at);
    case 'call':
      return callFunction(node.name, node.args.map((n) => compileNode(n, functions)), node.at, functions);
  }
}

/** Casts an operand for an operator; on failure reports a CastError and returns undefined. */
function castOperand(ctx: EvalContext, value: CesqlValue, type: CesqlType, at: number): CesqlValue | undefined {
  const result = castTo(value, type);
  if (result.ok) return result.value;
  report(ctx, 'cast', result.reason, at);
  return undefined;
}

function compileNot(operandNode: CesqlNode, at: number, functions: FunctionTable): Evaluator {
  const operand = compileNode(operandNode, functions);
  return (ctx) => {
    const mark = ctx.errors.length;
    const value = operand(ctx);
    if (ctx.errors.length !== mark) return false;
    const b = castOperand(ctx, value, 'Boolean', at);
    return b === undefined ? false : !b;
  };
}

function compileNegate(operandNode: CesqlNode, at: number, functions: FunctionTable): Evaluator {
  const operand = compileNode(operandNode, functions);
  return (ctx) => {
    const mark = ctx.errors.length;
    const value = operand(ctx);
    if (ctx.errors.length !== mark) return 0;
    const n = castOperand(ctx, value, 'Integer', at);
    if (n === undefined) return 0;
    const result = negate(n as number);
    if (result.overflow) report(ctx, 'math', `-(${n}) overflows a 32-bit integer`, at);
    return result.value;
  };
}

function compileBinary(op: BinaryOp, left: Evaluator, right: Evaluator, at: number): Evaluator {
  switch (op) {
    case 'AND':
    case 'OR': {
      // AND stops at false, OR at true: `decisive` is the left value that settles the result.
      const decisive = op === 'OR';
      return (ctx) => {
        const mark = ctx.errors.length;
        const l = left(ctx);
        if (ctx.errors.length !== mark) return false;
        const lb = castOperand(ctx, l, 'Boolean', at);
        if (lb === undefined) return false;
        if (lb === decisive) return decisive;
        const r = right(ctx);
        if (ctx.errors.length !== mark) return false;
        const rb = castOperand(ctx, r, 'Boolean', at);
        return rb === undefined ? false : rb;
      };
    }
    case 'XOR':
      return (ctx) => {
        const pair = operands(ctx, left, right);
        if (pair === undefined) return false;
        const lb = castOperand(ctx, pair[0], 'Boolean', at);
        if (lb === undefined) return false;
        const rb = castOperand(ctx, pair[1], 'Boolean', at);
        return rb === undefined ? false : lb !== rb;
      };
    case '=':
    case '!=':
    case '<>': {
      const wantEqual = op === '=';
      return (ctx) => {
        const pair = operands(ctx, left, right);
        if (pair === undefined) return false;
        // `=` is ambiguous (Boolean, Integer, String forms): spec §3.7 picks the form by the right
        // operand's type and casts the left one to it, so `'TRUE' = true` but not `true = 'TRUE'`.
        const [l, r] = pair;
        const cast = castOperand(ctx, l, typeOf(r), at);
        return cast === undefined ? false : (cast === r) === wantEqual;
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (ctx) => {
        const ints = integerOperands(ctx, left, right, at);
        if (ints === undefined) return false;
        const [l, r] = ints;
        return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
      };
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return (ctx) => {
        const ints = integerOperands(ctx, left, right, at);
        if (ints === undefined) return 0;
        const [l, r] = ints;
        if ((op === '/' || op === '%') && r === 0) {
          report(ctx, 'math', `${op === '/' ? 'division' : 'remainder'} by zero`, at);
          return 0;
        }
        const result = arithmetic(op, l, r);
        if (result.overflow) report(ctx, 'math', `${l} ${op} ${r} overflows a 32-bit integer`, at);
        return result.value;
      };
  }
}

/** Both operands, evaluated left to right; undefined when either reported an error. */
function operands(ctx: EvalContext, left: Evaluator, right: Evaluator): [CesqlValue, CesqlValue] | undefined {
  const mark = ctx.errors.length;
  const l = left(ctx);
  const r = right(ctx);
  return ctx.errors.length === mark ? [l, r] : undefined;
}

/** Both operands cast to Integer, or undefined (an operand errored, or a CastError was reported). */
function integerOperands(ctx: EvalContext, left: Evaluator, right: Evaluator, at: number): [number, number] | undefined {
  const pair = operands(ctx, left, right);
  if (pair === undefined) return undefined;
  const l = castOperand(ctx, pair[0], 'Integer', at);
  if (l === undefined) return undefined;
  const r = castOperand(ctx, pair[1], 'Integer', at);
  if (r === undefined) return undefined;
  return [l as number, r as number];
}

/**
 * `x IN (y1, …)`: the elements are cast to the type of `x` (spec §3.7's special rule) and compared
 * with `=`, left to right, stopping at the first equal one.
 */
function compileIn(negated: boolean, operand: Evaluator, set: readonly Evaluator[], at: number): Evaluator {
  return (ctx) => {
    const mark = ctx.errors.length;
    const x = operand(ctx);
    if (ctx.errors.length !== mark) return false;
    const type = typeOf(x);
    for (const element of set) {
      const y = element(ctx);
      if (ctx.errors.length !== mark) return false;
      const cast = castOperand(ctx, y, type, at);
      if (cast === undefined) return false;
      if (cast === x) return !negated;
    }
    return negated;
  };
}
