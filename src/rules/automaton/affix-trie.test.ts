// Property test: the affix trie returns exactly the targets whose prefix / suffix (optionally
// ignoring case) the value has, as the reference meaning says (match-value.ts: lower-case the
// whole value, then startsWith / endsWith), on strings rich in case-folding edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AffixTrie } from './affix-trie.js';
import { NameState } from './name-state.js';

// 'İ' lower-cases to two code units, 'K' (Kelvin sign) to ASCII 'k', 'Σ' depends on its position.
const chars = fc.constantFrom('a', 'b', 'A', 'B', 'k', 'K', '\u212A', 'İ', 'i', 'Σ', 'σ', 'é', 'É', '😀');
const text = fc.array(chars, { maxLength: 5 }).map((cs) => cs.join(''));

test('affix trie - returns exactly the affixes of the value, case-sensitive or not', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.boolean(), fc.uniqueArray(text, { maxLength: 6 }), text, (suffix, ignoreCase, affixes, v) => {
      const trie = new AffixTrie(suffix, ignoreCase);
      const stored = affixes.map((a) => (ignoreCase ? a.toLowerCase() : a));
      const states = stored.map((a) => {
        const s = new NameState();
        trie.add(a, s);
        return s;
      });
      const out: NameState[] = [];
      trie.collect(v, out);
      const subject = ignoreCase ? v.toLowerCase() : v;
      const want = states.filter((_, i) => (suffix ? subject.endsWith(stored[i]!) : subject.startsWith(stored[i]!)));
      assert.deepEqual(new Set(out), new Set(want));
      assert.equal(out.length, want.length, 'each target once');
    }),
    { numRuns: 2000 },
  );
});
