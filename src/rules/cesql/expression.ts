import type { CesqlNode } from './ast.js';
import { compileNode } from './compile.js';
import { FAIL_FAST } from './context.js';
import type { CesqlError } from './errors.js';
import type { CesqlFunction } from './functions/function.js';
import { FunctionTable } from './functions/function-table.js';
import { parseCesql } from './parser.js';
import type { CesqlValue } from './types.js';

/** The primary output (a value) and the secondary output (the error list) of an evaluation (spec §1). */
export interface CesqlResult {
  readonly value: CesqlValue;
  readonly errors: readonly CesqlError[];
}

export interface CesqlCompileOptions {
  /** User-defined functions, added to the built-ins (spec §3.5). Invalid ones throw SWY_RULES_CESQL_FUNCTION. */
  readonly functions?: readonly CesqlFunction[];
  /** Where the expression sits in the caller's document, used as the path of a parse violation. */
  readonly path?: string;
}

/** A compiled CESQL expression. Immutable and safe to share; evaluations keep no state between calls. */
export interface CesqlExpression {
  /** The expression text as given. */
  readonly text: string;
  /** Its syntax tree. */
  readonly ast: CesqlNode;
  /** The attribute names it reads (references and EXISTS), lower-case, sorted, without repeats. */
  readonly attributes: readonly string[];
  /**
   * Errors certain to occur at evaluation, found at compile time (today: calls no function
   * dispatches to). An expression with such a call can still be evaluated, but errors every time
   * that call is reached.
   */
  readonly staticErrors: readonly CesqlError[];
  /**
   * Evaluates completely (spec §4.1 "complete evaluation mode"): never throws; errors are
   * collected and each failing operator contributes its zero value.
   */
  evaluate(event: Readonly<Record<string, unknown>>): CesqlResult;
  /**
   * The expression as a filter (spec §1.2): true only when the value is the Boolean `true` and no
   * error occurred. Evaluates in fail-fast mode, stopping at the first error.
   */
  matches(event: Readonly<Record<string, unknown>>): boolean;
}

/**
 * Compiles a CESQL v1 expression. Throws SWY_RULES_CESQL_PARSE for a syntax error.
 *
 * The event given to `evaluate`/`matches` is the CloudEvent in its JSON form: context attributes
 * at top level; `data` and `data_base64` are never seen by CESQL.
 *
 * @example
 * const expr = compileCesql("type LIKE 'com.example.%' AND INT(priority) > 3");
 * expr.matches({ specversion: '1.0', id: '1', source: '/s', type: 'com.example.x', priority: '5' }); // true
 */
export function compileCesql(expression: string, options: CesqlCompileOptions = {}): CesqlExpression {
  const ast = parseCesql(expression, options.path ?? '');
  const table = new FunctionTable(options.functions);
  const run = compileNode(ast, table);

  return Object.freeze({
    text: expression,
    ast,
    attributes: Object.freeze(collectAttributes(ast)),
    staticErrors: Object.freeze(collectStaticErrors(ast, table)),
    evaluate(event: Readonly<Record<string, unknown>>): CesqlResult {
      const errors: CesqlError[] = [];
      const value = run({ event, errors, failFast: false });
      return { value, errors };
    },
    matches(event: Readonly<Record<string, unknown>>): boolean {
      try {
        return run({ event, errors: [], failFast: true }) === true;
      } catch (e) {
        if (e === FAIL_FAST) return false;
        throw e;
      }
    },
  });
}

function collectAttributes(ast: CesqlNode): string[] {
  const names = new Set<string>();
  visit(ast, (node) => {
    if (node.type === 'attribute' || node.type === 'exists') names.add(node.name);
  });
  return [...names].sort();
}

function collectStaticErrors(ast: CesqlNode, table: FunctionTable): CesqlError[] {
  const errors: CesqlError[] = [];
  visit(ast, (node) => {
    if (node.type === 'call' && table.resolve(node.name, node.args.length) === undefined) {
      errors.push({ kind: 'missingFunction', message: `no function ${node.name} takes ${node.args.length} argument(s)`, position: node.at });
    }
  });
  return errors;
}

/** Pre-order walk over every node. */
function visit(node: CesqlNode, fn: (node: CesqlNode) => void): void {
  fn(node);
  switch (node.type) {
    case 'unary':
      visit(node.operand, fn);
      break;
    case 'binary':
      visit(node.left, fn);
      visit(node.right, fn);
      break;
    case 'like':
      visit(node.operand, fn);
      break;
    case 'in':
      visit(node.operand, fn);
      node.set.forEach((n) => visit(n, fn));
      break;
    case 'call':
      node.args.forEach((n) => visit(n, fn));
      break;
    case 'literal':
    case 'attribute':
    case 'exists':
      break;
  }
}
