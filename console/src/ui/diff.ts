import { diffLines as jsDiffLines } from 'diff';

export type DiffLine = { readonly kind: 'same' | 'added' | 'removed'; readonly text: string };

/** A line diff of two texts (jsdiff's Myers diff), one entry per line. */
export function diffLines(a: string, b: string): DiffLine[] {
  const out: DiffLine[] = [];
  for (const part of jsDiffLines(a, b)) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    const lines = part.value.endsWith('\n') ? part.value.slice(0, -1).split('\n') : part.value.split('\n');
    for (const text of lines) out.push({ kind, text });
  }
  return out;
}
