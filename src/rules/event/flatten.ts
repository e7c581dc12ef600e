/**
 * Flattens a parsed event (a JS value) into its leaves grouped by dotted path, each with its
 * array membership (see Leaf in pattern/types.ts). With a trie, only the paths in it are
 * visited; without, every leaf is produced (the reference evaluator's view).
 */
import { RawNumber } from '../pattern/raw-number.js';
import { numberInfo, numberInfoOfValue } from '../pattern/number.js';
import type { Leaf, LeafValue } from '../pattern/types.js';
import type { PathTrieNode } from './path-trie.js';

/** Leaves of an event by path, in document order within each path. */
export type EventLeaves = Map<string, Leaf[]>;

const NO_ARRAYS: readonly number[] = [];

class Flattener {
  readonly out: EventLeaves = new Map();
  private readonly stack: number[] = [];
  private nextArray = 0;

  private emit(path: string, value: LeafValue): void {
    const leaf: Leaf = { path, value, arrays: this.stack.length === 0 ? NO_ARRAYS : this.stack.slice() };
    const list = this.out.get(path);
    if (list === undefined) this.out.set(path, [leaf]);
    else list.push(leaf);
  }

  /** Visits `v` at `path`; `node` is the trie node for `path`, or null to visit everything. */
  visit(v: unknown, path: string, node: PathTrieNode | null): void {
    if (Array.isArray(v)) {
      const id = this.nextArray++;
      for (let i = 0; i < v.length; i++) {
        this.stack.push(id, i);
        this.visit(v[i], path, node);
        this.stack.length -= 2;
      }
      return;
    }
    if (typeof v === 'object' && v !== null && !(v instanceof RawNumber)) {
      const obj = v as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (node === null) {
          this.visit(obj[key], path === '' ? key : `${path}.${key}`, null);
        } else {
          const child = node.child(key);
          if (child !== undefined) this.visit(obj[key], child.path, child);
        }
      }
      return;
    }
    if (node !== null && !node.wanted) return;
    const value = leafValue(v);
    if (value !== undefined) this.emit(path, value);
  }
}

function leafValue(v: unknown): LeafValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return numberInfoOfValue(v);
    case 'object':
      if (v === null) return null;
      if (v instanceof RawNumber) return numberInfo(v.text);
      return undefined;
    default:
      return undefined; // undefined, functions, symbols, bigint: not JSON values
  }
}

/** Flattens `event`; pass the trie of used paths to skip everything else. */
export function flattenEvent(event: unknown, trie: PathTrieNode | null = null): EventLeaves {
  const f = new Flattener();
  f.visit(event, '', trie);
  return f.out;
}
