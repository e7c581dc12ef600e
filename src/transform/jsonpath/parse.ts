/**
 * Parser for Switchyard's JSONPath subset (docs/transformers.md, "JSONPath subset").
 *
 *   path     = "$" step*
 *   step     = "." name | ".*" | "[" ws selector ws "]"
 *   selector = quoted | index | "*"
 *   quoted   = "'" chars "'" | '"' chars '"'        (escapes: \\  \'  \")
 *   index    = "-"? ( "0" | [1-9][0-9]* )           (negative counts from the end)
 *   name     = one or more chars other than . [ ] * ' " \ whitespace and controls
 *
 * Nothing is ever evaluated as script: the grammar has no filters, no expressions and no
 * recursive descent; those are rejected with a reason that names them.
 */

/** One compiled step. Invariant: `index` is a safe integer; `member` names are non-empty. */
export type PathStep =
  | { readonly type: 'member'; readonly name: string }
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'wildcard' };

/** A failed parse: the first problem, with its character offset. */
export interface PathFailure {
  readonly ok: false;
  readonly reason: string;
}

/** A parse result: the steps, or the first problem. */
export type PathParse = { readonly ok: true; readonly steps: readonly PathStep[] } | PathFailure;

const MAX_PATH_LENGTH = 1024;

function isNameChar(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code <= 0x20 || code === 0x7f) return false;
  return c !== '.' && c !== '[' && c !== ']' && c !== '*' && c !== "'" && c !== '"' && c !== '\\';
}

function fail(reason: string, at: number): PathFailure {
  return { ok: false, reason: `${reason} at offset ${at}` };
}

/** Parses a JSONPath of the supported subset. Never throws. */
export function parsePath(text: string): PathParse {
  if (text.length === 0) return { ok: false, reason: 'empty path; a path starts with $' };
  if (text.length > MAX_PATH_LENGTH) return { ok: false, reason: `path longer than ${MAX_PATH_LENGTH} characters` };
  if (text[0] !== '$') return fail('a path must start with $', 0);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      if (text[i + 1] === '.') return fail('recursive descent (..) is not supported', i);
      if (text[i + 1] === '*') {
        steps.push({ type: 'wildcard' });
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < text.length && isNameChar(text[j] as string)) j++;
      if (j === i + 1) return fail(`expected a member name after "."`, i + 1);
      steps.push({ type: 'member', name: text.slice(i + 1, j) });
      i = j;
    } else if (c === '[') {
      const r = parseBracket(text, i);
      if (!r.ok) return r;
      steps.push(r.step);
      i = r.end;
    } else {
      return fail(`unexpected "${c}"; expected "." or "["`, i);
    }
  }
  return { ok: true, steps };
}

type BracketParse = { ok: true; step: PathStep; end: number } | PathFailure;

function skipSpaces(text: string, i: number): number {
  while (text[i] === ' ') i++;
  return i;
}

/** Parses `[ ... ]` starting at `open` (the "["); `end` is the offset after "]". */
function parseBracket(text: string, open: number): BracketParse {
  let i = skipSpaces(text, open + 1);
  const c = text[i];
  let step: PathStep;
  if (c === "'" || c === '"') {
    const q = parseQuoted(text, i);
    if (!q.ok) return q;
    step = { type: 'member', name: q.name };
    i = q.end;
  } else if (c === '*') {
    step = { type: 'wildcard' };
    i++;
  } else if (c === '?' || c === '(') {
    return fail('filter and script expressions are not supported', i);
  } else {
    const m = /^-?(0|[1-9][0-9]*)/.exec(text.slice(i));
    if (m === null || m[0] === '-') return fail('expected a quoted name, an index or * inside [ ]', i);
    const index = Number(m[0]);
    if (!Number.isSafeInteger(index)) return fail('index out of range', i);
    if (m[0] === '-0') return fail('-0 is not an index; use -1 for the last element', i);
    step = { type: 'index', index };
    i += m[0].length;
  }
  i = skipSpaces(text, i);
  if (text[i] === ',') return fail('unions ([a,b]) are not supported', i);
  if (text[i] === ':') return fail('slices ([a:b]) are not supported', i);
  if (text[i] !== ']') return fail('expected "]"', i);
  return { ok: true, step, end: i + 1 };
}

type QuotedParse = { ok: true; name: string; end: number } | PathFailure;

function parseQuoted(text: string, start: number): QuotedParse {
  const quote = text[start];
  let name = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) {
      if (name.length === 0) return fail('empty member name', start);
      return { ok: true, name, end: i + 1 };
    }
    if (c === '\\') {
      const e = text[i + 1];
      if (e !== '\\' && e !== "'" && e !== '"') return fail('only \\\\, \\\' and \\" escapes are allowed in a quoted name', i);
      name += e;
      i += 2;
      continue;
    }
    name += c;
    i++;
  }
  return fail('unterminated quoted name', start);
}
