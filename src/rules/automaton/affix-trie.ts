/**
 * The prefix (or suffix) matchers of one ValueIndex as a trie over UTF-16 code units, walked
 * from the value's first (or last) character: a lookup reads each character once and stops
 * where the trie ends, with no substring or hash per candidate length.
 *
 * Ignore-case tries hold lower-cased values (as the patterns store them) and fold ASCII
 * letters while walking; a value with a non-ASCII character on the walked part is walked
 * again as `toLowerCase()` (full Unicode lower-casing can change lengths, so only an ASCII
 * part folds in place). The ASCII characters of a value lower-case the same wherever they sit,
 * and the walked part is a run of them from one end, so the in-place fold reads exactly what a
 * walk of `toLowerCase()` would.
 */
import type { NameState } from './name-state.js';

class TrieNode {
  next: Map<number, TrieNode> | undefined = undefined;
  targets: NameState[] | undefined = undefined;
}

function pushAll(t: readonly NameState[] | undefined, out: NameState[]): void {
  if (t !== undefined) for (let i = 0; i < t.length; i++) out.push(t[i]!);
}

export class AffixTrie {
  private readonly root = new TrieNode();

  constructor(
    private readonly suffix: boolean,
    private readonly ignoreCase: boolean,
  ) {}

  /** Adds `target` for affix `value` (lower-cased already when the trie ignores case). */
  add(value: string, target: NameState): void {
    let node = this.root;
    const n = value.length;
    for (let k = 0; k < n; k++) {
      const c = value.charCodeAt(this.suffix ? n - 1 - k : k);
      const next = (node.next ??= new Map());
      let child = next.get(c);
      if (child === undefined) next.set(c, (child = new TrieNode()));
      node = child;
    }
    (node.targets ??= []).push(target);
  }

  /** Appends the targets of every affix of `v` in the trie to `out`. */
  collect(v: string, out: NameState[]): void {
    if (!this.ignoreCase) {
      this.walk(v, false, out);
      return;
    }
    const mark = out.length;
    if (this.walk(v, true, out)) return;
    out.length = mark;
    this.walk(v.toLowerCase(), false, out);
  }

  /** False when `fold` met a non-ASCII character (the caller then walks `toLowerCase()`). */
  private walk(v: string, fold: boolean, out: NameState[]): boolean {
    let node = this.root;
    pushAll(node.targets, out);
    const n = v.length;
    const suffix = this.suffix;
    for (let k = 0; k < n; k++) {
      const next = node.next;
      if (next === undefined) return true;
      let c = v.charCodeAt(suffix ? n - 1 - k : k);
      if (fold) {
        if (c >= 65 && c <= 90) c += 32;
        else if (c >= 128) return false;
      }
      const child = next.get(c);
      if (child === undefined) return true;
      node = child;
      pushAll(node.targets, out);
    }
    return true;
  }
}
