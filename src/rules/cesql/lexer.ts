import { cesqlParseError } from './parse-error.js';

/**
 * Tokens of CESQL (spec §2, CESQLLexer.g4). Keywords are not told apart here: a `word` is any run
 * of ASCII letters, digits and `_`, and the parser decides (case-insensitively) whether it is a
 * keyword, an identifier or a function name. A run of digits only is an `integer`; its sign is
 * folded in by the parser, so `4 -1` stays a subtraction.
 */
export type Token =
  | { readonly kind: 'integer'; readonly digits: string; readonly start: number }
  | { readonly kind: 'string'; readonly value: string; readonly start: number }
  | { readonly kind: 'word'; readonly text: string; readonly start: number }
  | { readonly kind: 'symbol'; readonly symbol: SymbolText; readonly start: number }
  | { readonly kind: 'eof'; readonly start: number };

export type SymbolText = '(' | ')' | ',' | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

const TWO_CHAR: ReadonlySet<string> = new Set(['!=', '<>', '<=', '>=']);
const ONE_CHAR: ReadonlySet<string> = new Set(['(', ')', ',', '=', '<', '>', '+', '-', '*', '/', '%']);

/** Only these separate tokens (CESQLLexer.g4 `SPACE`). */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 // _
  );
}

/** Splits an expression into tokens, ending with one `eof`. Throws SWY_RULES_CESQL_PARSE. */
export function tokenize(expression: string, path = ''): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = expression.length;
  while (i < n) {
    const c = expression[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      const { value, end } = readString(expression, i, path);
      tokens.push({ kind: 'string', value, start });
      i = end;
      continue;
    }
    if (isWordChar(c.charCodeAt(0))) {
      while (i < n && isWordChar(expression.charCodeAt(i))) i++;
      const text = expression.slice(start, i);
      tokens.push(/^[0-9]+$/.test(text) ? { kind: 'integer', digits: text, start } : { kind: 'word', text, start });
      continue;
    }
    const two = expression.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      tokens.push({ kind: 'symbol', symbol: two as SymbolText, start });
      i += 2;
      continue;
    }
    if (ONE_CHAR.has(c)) {
      tokens.push({ kind: 'symbol', symbol: c as SymbolText, start });
      i++;
      continue;
    }
    throw cesqlParseError(expression, i, `unexpected character ${JSON.stringify(c)}`, path);
  }
  tokens.push({ kind: 'eof', start: n });
  return tokens;
}

/**
 * Reads a string literal opening at `open`. Inside, the delimiter is written `\'` (`\"`) or
 * doubled (`''`, `""`) and a backslash is written `\\`; any other backslash pair is kept
 * verbatim, backslash included, so that a LIKE pattern such as `'100\%'` still carries its escape
 * to the LIKE matcher. With these rules every string has a spelling (see printer.ts).
 */
function readString(expression: string, open: number, path: string): { value: string; end: number } {
  const quote = expression[open] as string;
  let value = '';
  let i = open + 1;
  while (i < expression.length) {
    const c = expression[i] as string;
    if (c === '\\') {
      if (i + 1 >= expression.length) break;
      const next = expression[i + 1] as string;
      value += next === quote || next === '\\' ? next : c + next;
      i += 2;
      continue;
    }
    if (c === quote) {
      if (expression[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  throw cesqlParseError(expression, open, 'unterminated string literal', path);
}
