/**
 * Flattens raw JSON event text without JSON.parse: a single forward pass that decodes only
 * the keys and values on paths of the trie, skips every other subtree (skip.ts) and stops as
 * soon as every used member has been seen (see `object`). The leaves equal flattenEvent(JSON.parse(text), trie)
 * for well-formed, duplicate-key-free JSON (number literals keep their exact text, which
 * JSON.parse would round).
 *
 * Validation contract: the visited parts are checked strictly; skipped subtrees only for
 * balanced brackets and terminated strings. Malformations found throw SwitchyardError
 * SWY_RULES_INVALID_EVENT_TEXT; ingest validates events fully before matching.
 */
import { SwitchyardError } from '../../core/index.js';
import { numberEnd, parseNumberAt } from '../pattern/number.js';
import type { Leaf, LeafValue } from '../pattern/types.js';
import type { PathTrieNode } from './path-trie.js';
import type { EventLeaves } from './flatten.js';
import { skipComposite } from './skip.js';

const NO_ARRAYS: readonly number[] = [];
/** Numbers scans for the early stop's `seen` marks (a scan is synchronous: no overlap). */
let scanCounter = 0;

function bad(reason: string, offset: number): never {
  throw new SwitchyardError('SWY_RULES_INVALID_EVENT_TEXT', `malformed event JSON: ${reason} at offset ${offset}`, {
    violations: [{ path: `@${offset}`, reason }],
  });
}

/** Characters of a number or literal token (what skipScalar and leaf take as one token). */
function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 45 || c === 43 || c === 46 || c === 69;
}

class Scanner {
  i = 0;
  readonly out: EventLeaves = new Map();
  private readonly stack: number[] = [];
  private nextArray = 0;
  /** Marks the trie nodes seen by this scan (see `object`). */
  private readonly stamp = ++scanCounter;
  /** Set once no later text can add a leaf; the cursor is then at the end of the text. */
  done = false;
  /** Set by keyChild: the last key named its child directly. */
  private directKey = false;
  /** The array membership of the current position, shared by its leaves (undefined: not taken yet). */
  private arrays: readonly number[] | undefined = NO_ARRAYS;

  /** Whether the text holds a backslash anywhere. Without one (the common case) no string has
   * an escape: string ends are one indexOf, and keys compare in place without a check. */
  private readonly escapes: boolean;

  constructor(
    private readonly s: string,
    private readonly probes: readonly string[] | null) {
    this.escapes = s.indexOf('\\') >= 0;
  }

  /**
   * Whether the text after the cursor could hold no key that reaches a subtree already scanned:
   * no dotted key opening with a name that has children (`"a.b"` addresses a.b as `{"a":{"b"…}}`
   * does), and no backslash (an escaped key may decode to such a name).
   */
  private restCannotReachBack(): boolean {
    const s = this.s;
    const from = this.i;
    if (this.escapes) return false;
    const probes = this.probes;
    if (probes === null) return s.indexOf('.', from) < 0;
    // Probes are `name.` without the opening quote, checked before each hit: a search led by
    // '"' stops at every string of the text and costs about 5x a search led by a letter.
    for (let k = 0; k < probes.length; k++) {
      const probe = probes[k]!;
      for (let at = s.indexOf(probe, from); at >= 0; at = s.indexOf(probe, at + 1)) if (s.charCodeAt(at - 1) === 34) return false;
    }
    return true;
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  /** Index just past the closing quote of the string whose opening quote is at `open`. */
  private stringEnd(open: number): number {
    const s = this.s;
    let q = s.indexOf('"', open + 1);
    if (!this.escapes) return q < 0 ? bad('unterminated string', open) : q + 1;
    for (;;) {
      if (q < 0) bad('unterminated string', open);
      let b = q - 1;
      while (s.charCodeAt(b) === 92) b--;
      if ((q - 1 - b) % 2 === 0) return q + 1;
      q = s.indexOf('"', q + 1);
    }
  }

  private readString(): string {
    const open = this.i;
    const end = this.stringEnd(open);
    this.i = end;
    const raw = this.s.slice(open + 1, end - 1);
    if (raw.indexOf('\\') < 0) return raw;
    try {
      return JSON.parse(this.s.slice(open, end)) as string;
    } catch {
      return bad('invalid string escape', open);
    }
  }

  /** Skips one value of any kind. */
  private skip(): void {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 34) {
      this.i = this.stringEnd(this.i);
      return;
    }
    if (c === 123 || c === 91) {
      const end = skipComposite(s, this.i);
      if (end < 0) bad('unbalanced brackets', this.i);
      this.i = end;
      return;
    }
    this.skipScalar();
  }

  /** Skips a number or literal at the cursor (its grammar is not checked: see module doc). */
  private skipScalar(): void {
    const s = this.s;
    const start = this.i;
    let i = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 45 || c === 43 || c === 46 || c === 69) i++;
      else break;
    }
    if (i === start) bad('unexpected character', start);
    this.i = i;
  }

  private leaf(): LeafValue {
    const s = this.s;
    const start = this.i;
    const c = s.charCodeAt(start);
    if (c === 34) return this.readString();
    if (c === 45 || (c >= 48 && c <= 57)) {
      const num = parseNumberAt(s, start);
      if (num !== undefined && !isTokenChar(s.charCodeAt(numberEnd))) {
        this.i = numberEnd;
        return num;
      }
    }
    let end = start;
    for (;;) {
      const d = s.charCodeAt(end);
      if ((d >= 48 && d <= 57) || (d >= 97 && d <= 122) || d === 45 || d === 43 || d === 46 || d === 69) end++;
      else break;
    }
    this.i = end;
    if (c >= 97) {
      const n = end - start;
      if (n === 4 && s.startsWith('true', start)) return true;
      if (n === 5 && s.startsWith('false', start)) return false;
      if (n === 4 && s.startsWith('null', start)) return null;
    }
    if (end === start) bad('unexpected character', start);
    return bad(`invalid literal ${s.slice(start, end)}`, start);
  }

  /**
   * Reads one value at `node`. `finishes` is true when, once every used member of this object
   * has been seen, the whole scan is complete (see `object`).
   */
  value(node: PathTrieNode, finishes: boolean): void {
    const c = this.s.charCodeAt(this.i);
    if (c === 123) {
      if (node.children.size === 0) this.skip(); // an object is not a value: nothing to read
      else this.object(node, finishes);
    }
    else if (c === 91) this.array(node);
    else if (!node.wanted) this.skip();
    else {
      const value = this.leaf();
      const leaf: Leaf = { path: node.path, value, arrays: (this.arrays ??= this.stack.slice()) };
      const list = this.out.get(node.path);
      if (list === undefined) this.out.set(node.path, [leaf]);
      else list.push(leaf);
    }
  }

  /**
   * Early stop: outside arrays each trie node is met at most once (duplicate-free JSON, module
   * doc), so an object counts its used members still unseen. When the count reaches zero in an
   * object that `finishes` the scan (the root, or the last missing member of such an object),
   * and the rest of the text holds no dotted or escaped key that could reach back into a
   * scanned subtree (`restCannotReachBack`), no later text can add a leaf: the scan jumps to the
   * end of the text and sets `done`, which every enclosing level obeys at once. Inside arrays
   * nothing is counted (several elements share one trie node).
   */
  private object(node: PathTrieNode, finishes: boolean): void {
    const s = this.s;
    const counting = finishes && this.stack.length === 0;
    let missing = counting ? node.children.size : -1;
    this.i++;
    this.ws();
    if (s.charCodeAt(this.i) === 125) {
      this.i++;
      return;
    }
    for (;;) {
      if (s.charCodeAt(this.i) !== 34) bad('expected a string key', this.i);
      const child = this.keyChild(node);
      this.ws();
      if (s.charCodeAt(this.i) !== 58) bad("expected ':'", this.i);
      this.i++;
      this.ws();
      if (child === undefined) this.skip();
      else {
        const direct = missing > 0 && child.seen !== this.stamp && this.directKey;
        this.value(child, direct && missing === 1);
        if (this.done) return;
        if (direct) {
          child.seen = this.stamp;
          if (--missing === 0 && this.restCannotReachBack()) {
            this.i = s.length;
            this.done = true;
            return;
          }
        }
      }
      this.ws();
      const c = s.charCodeAt(this.i++);
      if (c === 125) return;
      if (c !== 44) bad("expected ',' or '}'", this.i - 1);
      this.ws();
    }
  }

  /**
   * Reads the key at the cursor and returns the trie child it addresses (undefined when none),
   * setting `directKey` when the key names that child itself (not a dotted path to it). Keys
   * are compared in place against the few children's names, without slicing or hashing; keys
   * with escapes or dots, and nodes with many children, take the general lookup.
   */
  private keyChild(node: PathTrieNode): PathTrieNode | undefined {
    const s = this.s;
    const from = this.i + 1;
    const end = this.stringEnd(this.i);
    const to = end - 1;
    const names = node.childNames;
    if (node.children.size <= 8 && !this.escapes) {
      // No escapes: the key is its raw text. It names a child, or reaches one as a dotted path
      // only if it starts with a child's name and a dot (so no scan of the key for dots).
      this.i = end;
      const len = to - from;
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        const nl = name.length;
        if (nl > len || (nl < len && s.charCodeAt(from + nl) !== 46)) continue;
        let j = 0;
        while (j < nl && name.charCodeAt(j) === s.charCodeAt(from + j)) j++;
        if (j < nl) continue;
        if (nl === len) {
          this.directKey = true;
          return node.childNodes[k];
        }
        this.i = from - 1;
        return this.keyByName(node);
      }
      return undefined;
    }
    if (node.children.size <= 8) {
      this.i = end;
      const len = to - from;
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        if (name.length !== len) continue;
        let j = 0;
        while (j < len && name.charCodeAt(j) === s.charCodeAt(from + j)) j++;
        if (j === len) {
          this.directKey = true;
          return node.childNodes[k];
        }
      }
      let plain = true;
      for (let j = from; j < to; j++) {
        const c = s.charCodeAt(j);
        if (c === 92 || c === 46) {
          plain = false;
          break;
        }
      }
      if (plain) return undefined;
      this.i = from - 1;
    }
    return this.keyByName(node);
  }

  /** The general key lookup: decodes the key at the cursor, splitting dotted keys. */
  private keyByName(node: PathTrieNode): PathTrieNode | undefined {
    const key = this.readString();
    const child = node.child(key);
    this.directKey = child !== undefined && node.children.get(key) === child;
    return child;
  }

  private array(node: PathTrieNode): void {
    const s = this.s;
    const id = this.nextArray++;
    this.i++;
    this.ws();
    if (s.charCodeAt(this.i) === 93) {
      this.i++;
      return;
    }
    for (let idx = 0; ; idx++) {
      this.stack.push(id, idx);
      this.arrays = undefined;
      this.value(node, false);
      this.stack.length -= 2;
      this.arrays = this.stack.length === 0 ? NO_ARRAYS : undefined;
      this.ws();
      const c = s.charCodeAt(this.i++);
      if (c === 93) return;
      if (c !== 44) bad("expected ',' or ']'", this.i - 1);
      this.ws();
    }
  }
}

/** Flattens raw JSON text, keeping only the paths of `trie` (see module doc). */
export function scanEventText(text: string, trie: PathTrieNode): EventLeaves {
  const sc = new Scanner(text, trie.dottedKeyProbes);
  sc.ws();
  if (sc.i >= text.length) bad('empty text', 0);
  sc.value(trie, true);
  if (sc.done) return sc.out;
  sc.ws();
  if (sc.i < text.length) bad('unexpected content after the JSON value', sc.i);
  return sc.out;
}
