/**
 * The set of field paths some pattern uses, as a trie of key segments, so the flatteners can
 * descend only into the parts of an event that matter and skip the rest.
 * Invariant: a dotted event key ("state.status") addresses the same path as nested keys
 * (docs/patterns.md "Field paths"), so lookups split such keys on '.'.
 */
export class PathTrieNode {
  readonly children = new Map<string, PathTrieNode>();
  /** The children whose names have no backslash, as two parallel arrays, for the raw scanner's
   * allocation-free key match (scan.ts keyChild). */
  readonly childNames: string[] = [];
  readonly childNodes: PathTrieNode[] = [];
  /** True when `path` itself is used by a pattern (its leaf values are wanted). */
  wanted = false;
  /** Scratch for the raw scanner's early stop: the scan that last saw this key at top level. */
  seen = 0;
  /**
   * Root only (set by buildPathTrie): `name.` for each node name that has children — after a
   * quote, the opening of a dotted key that could still add leaves below a subtree already
   * scanned — or
   * null when there are too many names to probe for (the scanner then probes for any '.').
   */
  dottedKeyProbes: readonly string[] | null = [];
  constructor(readonly path: string) {}

  /** The child for an event key, or undefined when nothing below it is used. */
  child(key: string): PathTrieNode | undefined {
    const c = this.children.get(key);
    if (c !== undefined || key.indexOf('.') < 0) return c;
    return key.split('.').reduce<PathTrieNode | undefined>((node, seg) => node?.children.get(seg), this);
  }
}

/** Builds the trie of `paths` (dotted). The root stands for the whole event. */
export function buildPathTrie(paths: Iterable<string>): PathTrieNode {
  const root = new PathTrieNode('');
  for (const path of paths) {
    let node = root;
    for (const seg of path.split('.')) {
      let next = node.children.get(seg);
      if (next === undefined) {
        next = new PathTrieNode(node === root ? seg : `${node.path}.${seg}`);
        node.children.set(seg, next);
        // A name with a backslash could equal an escaped key's raw text: match those decoded only.
        if (!seg.includes('\\')) {
          node.childNames.push(seg);
          node.childNodes.push(next);
        }
      }
      node = next;
    }
    node.wanted = true;
  }
  const names = new Set<string>();
  const collect = (n: PathTrieNode): void => {
    for (const [name, c] of n.children) {
      if (c.children.size > 0) {
        names.add(name);
        collect(c);
      }
    }
  };
  collect(root);
  root.dottedKeyProbes = names.size > MAX_DOTTED_KEY_PROBES ? null : [...names].map((n) => `${n}.`);
  return root;
}

/** Beyond this many probes one search for '.' is cheaper than a search per name. */
const MAX_DOTTED_KEY_PROBES = 16;
