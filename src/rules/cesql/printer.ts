import type { CesqlNode } from './ast.js';
import type { CesqlValue } from './types.js';

/**
 * Prints a syntax tree as canonical CESQL text: upper-case keywords and function names,
 * single-quoted strings, and every operation in parentheses, so that the text parses back to the
 * same tree whatever the precedence rules (`parseCesql(printCesql(t))` equals `t` up to offsets).
 */
export function printCesql(node: CesqlNode): string {
  switch (node.type) {
    case 'literal':
      return printLiteral(node.value);
    case 'attribute':
      return node.name;
    case 'exists':
      return `(EXISTS ${node.name})`;
    case 'unary':
      // The operand of '-' is parenthesized: `-5` would read back as the literal -5, not as a
      // negation of 5.
      return node.op === 'NOT' ? `(NOT ${printCesql(node.operand)})` : `(-(${printCesql(node.operand)}))`;
    case 'binary':
      return `(${printCesql(node.left)} ${node.op} ${printCesql(node.right)})`;
    case 'like':
      return `(${printCesql(node.operand)} ${node.negated ? 'NOT LIKE' : 'LIKE'} ${printString(node.pattern)})`;
    case 'in':
      return `(${printCesql(node.operand)} ${node.negated ? 'NOT IN' : 'IN'} (${node.set.map(printCesql).join(', ')}))`;
    case 'call':
      return `${node.name}(${node.args.map(printCesql).join(', ')})`;
  }
}

function printLiteral(value: CesqlValue): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      return String(value);
    default:
      return printString(value);
  }
}

/** A single-quoted literal: `\` is written `\\` and `'` is written `\'` (lexer.ts reads both back). */
function printString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
