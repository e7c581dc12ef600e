/**
 * Array consistency (docs/patterns.md "Arrays"): a membership is a flat list of pairs
 * (array id, element index). Conditions of one alternative must be satisfied by leaves that
 * agree on the element index of every array they share, so fields of different elements of an
 * array of objects never combine.
 */

/** True when `leaf` agrees with `acc` on every array both are inside. */
export function consistent(acc: readonly number[], leaf: readonly number[]): boolean {
  if (acc.length === 0 || leaf.length === 0) return true;
  for (let i = 0; i < leaf.length; i += 2) {
    const id = leaf[i];
    for (let j = 0; j < acc.length; j += 2) {
      if (acc[j] === id && acc[j + 1] !== leaf[i + 1]) return false;
    }
  }
  return true;
}

/** `acc` extended with the pairs of `leaf` it lacks (call only when consistent). */
export function merge(acc: readonly number[], leaf: readonly number[]): readonly number[] {
  if (leaf.length === 0) return acc;
  if (acc.length === 0) return leaf;
  const out = acc.slice();
  for (let i = 0; i < leaf.length; i += 2) {
    let present = false;
    for (let j = 0; j < acc.length; j += 2) {
      if (acc[j] === leaf[i]) {
        present = true;
        break;
      }
    }
    if (!present) out.push(leaf[i]!, leaf[i + 1]!);
  }
  return out;
}
