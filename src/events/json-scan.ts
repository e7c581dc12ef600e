/**
 * A small, non-recursive JSON scanner that finds where values sit in a JSON text without building
 * them. It serves two purposes:
 *
 * 1. Depth check before `JSON.parse`: nesting is counted with an integer, so a 10,000-deep
 *    document costs one linear pass and never touches the call stack.
 * 2. Raw text ranges: the char range of each value down to `recordDepth` levels (the top-level
 *    members of an event; a batch's elements and their members), so `data` is kept as the exact
 *    text received (number literals like 9007199254740993 survive) and extension integers can be
 *    checked as written (`10.0` is not a CloudEvents Integer).
 *
 * The scanner does not validate: on malformed text it still terminates in linear time, but the
 * ranges are meaningful only for text `JSON.parse` accepts, so callers parse before using them.
 */

export type JsonNodeKind = 'object' | 'array' | 'string' | 'number' | 'literal';

/** A value's place in the text: `text.slice(start, end)` is its exact JSON text. */
export interface JsonNode {
  readonly kind: JsonNodeKind;
  readonly start: number;
  end: number;
  /** Members in text order (duplicates kept), when the members' level is within recordDepth. */
  readonly members?: JsonMember[];
  /** Elements in text order, when the elements' level is within recordDepth. */
  readonly elements?: JsonNode[];
}

export interface JsonMember {
  /** The decoded member name. */
  readonly key: string;
  readonly value: JsonNode;
}

export type ScanResult =
  | { readonly ok: true; readonly root: JsonNode | undefined }
  | { readonly ok: false; readonly reason: 'too-deep'; readonly offset: number };

export interface ScanOptions {
  /** Deepest container nesting allowed (a top-level object is depth 1). */
  readonly maxDepth: number;
  /** Levels whose values get a node (1: just the root; 2: the root's members/elements; ...). */
  readonly recordDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the string starting at `i` (which holds '"'), or `text.length` if unterminated. */
function skipString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return text.length;
    // The quote is escaped iff an odd number of backslashes precede it. Each backslash run is
    // walked once (it ends at this quote), so the whole scan stays linear.
    let b = q - 1;
    while (b > i && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function isDelimiter(c: number): boolean {
  // , : [ ] { } " and JSON whitespace
  return c === 0x2c || c === 0x3a || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === QUOTE || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWhitespace(text: string, i: number): number {
  let j = i;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) j++;
    else return j;
  }
}

function decodeKey(raw: string): string {
  // Fast path: no escapes means the raw slice is the key.
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    const k: unknown = JSON.parse(raw);
    return typeof k === 'string' ? k : '';
  } catch {
    return '';
  }
}

/** Scans `text`; see the module comment for what is and is not checked. */
export function scanJson(text: string, opts: ScanOptions): ScanResult {
  if (opts.recordDepth <= 0) return scanDepth(text, opts.maxDepth);
  const n = text.length;
  // open[d - 1] is the recorded container at depth d (only for d <= recordDepth).
  const open: JsonNode[] = [];
  let depth = 0;
  let root: JsonNode | undefined;
  let pendingKey: string | undefined;

  const attach = (node: JsonNode): void => {
    const parent = open[open.length - 1];
    if (parent === undefined) {
      root ??= node;
    } else if (parent.members !== undefined) {
      parent.members.push({ key: pendingKey ?? '', value: node });
      pendingKey = undefined;
    } else if (parent.elements !== undefined) {
      parent.elements.push(node);
    }
  };
  // A value at the current depth lies at level depth + 1; it is recorded when that level is
  // within recordDepth and its container (if any) was recorded too.
  const recording = (): boolean => depth < opts.recordDepth && open.length === depth;

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      const rec = recording();
      depth++;
      if (depth > opts.maxDepth) return { ok: false, reason: 'too-deep', offset: i };
      if (rec) {
        // Children are recorded only when their level (depth + 1) is within recordDepth.
        const kids = depth < opts.recordDepth;
        const node: JsonNode =
          c === 0x7b
            ? { kind: 'object', start: i, end: n, ...(kids ? { members: [] } : {}) }
            : { kind: 'array', start: i, end: n, ...(kids ? { elements: [] } : {}) };
        attach(node);
        open.push(node);
      }
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth > 0) {
        if (open.length === depth) {
          const node = open.pop();
          if (node !== undefined) node.end = i + 1;
        }
        depth--;
      }
      i++;
    } else if (c === QUOTE) {
      const end = skipString(text, i);
      if (recording()) {
        const parent = open[open.length - 1];
        const after = skipWhitespace(text, end);
        if (parent?.members !== undefined && pendingKey === undefined && text.charCodeAt(after) === 0x3a) {
          pendingKey = decodeKey(text.slice(i, end));
          i = after + 1;
          continue;
        }
        attach({ kind: 'string', start: i, end });
      }
      i = end;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x3a) {
      i++;
    } else {
      // A number, true/false/null, or garbage: runs to the next delimiter.
      let j = i + 1;
      while (j < n && !isDelimiter(text.charCodeAt(j))) j++;
      if (recording()) attach({ kind: c === 0x2d || (c >= 0x30 && c <= 0x39) ? 'number' : 'literal', start: i, end: j });
      i = j;
    }
  }
  return { ok: true, root };
}

/**
 * The depth check alone (recordDepth 0: binary-mode JSON data): the same walk as scanJson —
 * strings skipped, brackets counted — without recording nodes.
 */
function scanDepth(text: string, maxDepth: number): ScanResult {
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { ok: false, reason: 'too-deep', offset: i };
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) {
      depth--;
    }
    i++;
  }
  return { ok: true, root: undefined };
}

/** Maximum nesting depth of an already-parsed value, computed without recursion. */
export function valueDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return max;
}
