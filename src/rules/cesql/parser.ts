import type { BinaryOp, CesqlNode } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { cesqlParseError } from './parse-error.js';
import { LEVEL_IN, LEVEL_LIKE, LEVEL_PREFIX, binaryLevel } from './precedence.js';
import { INT32_MAX, INT32_MIN } from './types.js';

/**
 * Nesting deeper than this is refused, so a hostile expression cannot exhaust the stack: both
 * parentheses (the parser recurses on them) and the height of the syntax tree, where each
 * operator of a chain such as `a AND b AND c` is one level (compiling and evaluating recurse on
 * the tree; 20,000 ANDs in one chain overflowed the stack).
 */
export const MAX_CESQL_DEPTH = 200;

const KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'XOR', 'NOT', 'LIKE', 'IN', 'EXISTS', 'TRUE', 'FALSE']);
const SYMBOL_OPS: ReadonlySet<string> = new Set(['=', '!=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%']);
/** value-identifier (spec §2.2), matched case-insensitively. */
const IDENTIFIER = /^[A-Za-z0-9]+$/;
/** function-identifier (spec §2.4). */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;

/**
 * Parses a CESQL v1 expression into its syntax tree (precedence in precedence.ts). Throws
 * SWY_RULES_CESQL_PARSE, with the offset of the first problem, for any syntax error.
 *
 * @example parseCesql("type LIKE 'com.%' AND EXISTS subject")
 * @param path where the expression sits in the caller's document, for the violation path.
 */
export function parseCesql(expression: string, path = ''): CesqlNode {
  return new Parser(expression, tokenize(expression, path), path).parseAll();
}

/** A Pratt parser over the token list; `pos` always points at a token (the last is `eof`). */
class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly path: string,
  ) {}

  parseAll(): CesqlNode {
    const node = this.parseExpression(0);
    const next = this.peek();
    if (next.kind !== 'eof') throw this.error(next.start, `unexpected ${describe(next)}`);
    const deep = firstNodeBelow(node, MAX_CESQL_DEPTH);
    if (deep !== undefined) {
      throw this.error(deep.at, `expression nested deeper than ${MAX_CESQL_DEPTH} levels (each operator of a chain like a AND b AND c is a level; use IN for a long list of values)`);
    }
    return node;
  }

  private parseExpression(minLevel: number): CesqlNode {
    if (++this.depth > MAX_CESQL_DEPTH) throw this.error(this.peek().start, `expression nested deeper than ${MAX_CESQL_DEPTH}`);
    let left = this.parsePrefix();
    for (;;) {
      const token = this.peek();
      const postfix = this.postfixAt(token);
      if (postfix !== undefined) {
        if (postfix.level < minLevel) break;
        left = postfix.kind === 'LIKE' ? this.parseLike(left, postfix.negated) : this.parseIn(left, postfix.negated);
        continue;
      }
      const op = binaryOpOf(token);
      if (op === undefined) break;
      const level = binaryLevel(op);
      if (level < minLevel) break;
      this.pos++;
      const right = this.parseExpression(level + 1);
      left = { type: 'binary', op, left, right, at: token.start };
    }
    this.depth--;
    return left;
  }

  /** Recognizes `LIKE`, `IN`, `NOT LIKE`, `NOT IN` at the current token without consuming it. */
  private postfixAt(token: Token): { kind: 'LIKE' | 'IN'; negated: boolean; level: number } | undefined {
    const word = keywordOf(token);
    if (word === 'LIKE' || word === 'IN') return { kind: word, negated: false, level: word === 'LIKE' ? LEVEL_LIKE : LEVEL_IN };
    if (word === 'NOT') {
      const after = keywordOf(this.tokens[this.pos + 1] as Token);
      if (after === 'LIKE' || after === 'IN') return { kind: after, negated: true, level: after === 'LIKE' ? LEVEL_LIKE : LEVEL_IN };
    }
    return undefined;
  }

  private parseLike(operand: CesqlNode, negated: boolean): CesqlNode {
    if (negated) this.pos++;
    const at = this.next().start;
    const pattern = this.next();
    if (pattern.kind !== 'string') throw this.error(pattern.start, `the LIKE pattern must be a string literal, found ${describe(pattern)}`);
    return { type: 'like', negated, operand, pattern: pattern.value, at };
  }

  private parseIn(operand: CesqlNode, negated: boolean): CesqlNode {
    if (negated) this.pos++;
    const at = this.next().start;
    this.expectSymbol('(', 'after IN');
    const set = this.parseList();
    if (set.length === 0) throw this.error(this.tokens[this.pos - 1]?.start ?? at, 'an IN set needs at least one element');
    return { type: 'in', negated, operand, set, at };
  }

  /** Parses `expr (, expr)* )` or `)` after an opening parenthesis was consumed. */
  private parseList(): CesqlNode[] {
    const items: CesqlNode[] = [];
    if (this.isSymbol(this.peek(), ')')) {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.parseExpression(0));
      const token = this.next();
      if (this.isSymbol(token, ')')) return items;
      if (!this.isSymbol(token, ',')) throw this.error(token.start, `expected ',' or ')' but found ${describe(token)}`);
    }
  }

  private parsePrefix(): CesqlNode {
    const token = this.next();
    switch (token.kind) {
      case 'integer':
        return this.integerLiteral(token.digits, false, token.start);
      case 'string':
        return { type: 'literal', value: token.value, at: token.start };
      case 'symbol':
        return this.parseSymbolPrefix(token);
      case 'word':
        return this.parseWord(token);
      case 'eof':
        throw this.error(token.start, 'unexpected end of expression');
    }
  }

  private parseSymbolPrefix(token: Token & { kind: 'symbol' }): CesqlNode {
    if (token.symbol === '(') {
      const inner = this.parseExpression(0);
      this.expectSymbol(')', 'to close the parenthesis');
      return inner;
    }
    const following = this.peek();
    // integer-literal ::= ('+' | '-')? digit+ : a sign directly before digits is part of the
    // literal, which is how -2147483648 is written although 2147483648 is out of range.
    if ((token.symbol === '-' || token.symbol === '+') && following.kind === 'integer') {
      this.pos++;
      return this.integerLiteral(following.digits, token.symbol === '-', token.start);
    }
    if (token.symbol === '-') {
      return { type: 'unary', op: '-', operand: this.parseExpression(LEVEL_PREFIX), at: token.start };
    }
    throw this.error(token.start, `unexpected '${token.symbol}'`);
  }

  private parseWord(token: Token & { kind: 'word' }): CesqlNode {
    const upper = token.text.toUpperCase();
    // A keyword is never a function name: `NOT (a = b)` is a negation, not a call of NOT.
    if (!KEYWORDS.has(upper) && this.isSymbol(this.peek(), '(')) {
      if (!FUNCTION_NAME.test(token.text)) throw this.error(token.start, `'${token.text}' is not a valid function name`);
      this.pos++;
      return { type: 'call', name: upper, args: this.parseList(), at: token.start };
    }
    switch (upper) {
      case 'TRUE':
        return { type: 'literal', value: true, at: token.start };
      case 'FALSE':
        return { type: 'literal', value: false, at: token.start };
      case 'NOT':
        return { type: 'unary', op: 'NOT', operand: this.parseExpression(LEVEL_PREFIX), at: token.start };
      case 'EXISTS': {
        const name = this.next();
        if (name.kind !== 'word' || KEYWORDS.has(name.text.toUpperCase()) || !IDENTIFIER.test(name.text)) {
          throw this.error(name.start, `EXISTS needs an attribute name, found ${describe(name)}`);
        }
        return { type: 'exists', name: name.text.toLowerCase(), at: token.start };
      }
    }
    if (KEYWORDS.has(upper)) throw this.error(token.start, `unexpected keyword ${upper}`);
    if (!IDENTIFIER.test(token.text)) throw this.error(token.start, `'${token.text}' is not a valid attribute name`);
    return { type: 'attribute', name: token.text.toLowerCase(), at: token.start };
  }

  private integerLiteral(digits: string, negative: boolean, at: number): CesqlNode {
    const value = Number((negative ? '-' : '') + digits);
    if (value < INT32_MIN || value > INT32_MAX) {
      throw this.error(at, `integer literal ${negative ? '-' : ''}${digits} is outside the 32-bit range`);
    }
    // `-0` would print as 0 and compare equal anyway; normalise so the tree never holds -0.
    return { type: 'literal', value: value === 0 ? 0 : value, at };
  }

  private expectSymbol(symbol: string, context: string): void {
    const token = this.next();
    if (!this.isSymbol(token, symbol)) throw this.error(token.start, `expected '${symbol}' ${context} but found ${describe(token)}`);
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.symbol === symbol;
  }

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  /** Consumes the current token; never moves past `eof`. */
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private error(position: number, reason: string) {
    return cesqlParseError(this.text, position, reason, this.path);
  }
}

/** The children of a node, in source order. */
function childrenOf(node: CesqlNode): readonly CesqlNode[] {
  switch (node.type) {
    case 'unary':
    case 'like':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'in':
      return [node.operand, ...node.set];
    case 'call':
      return node.args;
    default:
      return [];
  }
}

/** The first node (depth-first) deeper than `limit` levels, found without recursion. */
function firstNodeBelow(root: CesqlNode, limit: number): CesqlNode | undefined {
  const stack: Array<{ node: CesqlNode; depth: number }> = [{ node: root, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.depth > limit) return top.node;
    const children = childrenOf(top.node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as CesqlNode, depth: top.depth + 1 });
  }
  return undefined;
}

function keywordOf(token: Token): string | undefined {
  return token.kind === 'word' ? token.text.toUpperCase() : undefined;
}

function binaryOpOf(token: Token): BinaryOp | undefined {
  if (token.kind === 'symbol') return SYMBOL_OPS.has(token.symbol) ? (token.symbol as BinaryOp) : undefined;
  const word = keywordOf(token);
  return word === 'AND' || word === 'OR' || word === 'XOR' ? word : undefined;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'integer':
      return `integer ${token.digits}`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'word':
      return `'${token.text}'`;
    case 'symbol':
      return `'${token.symbol}'`;
    case 'eof':
      return 'end of expression';
  }
}
