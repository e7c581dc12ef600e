import type { Violation } from '../../core/index.js';
import { jsonPointer } from '../../events/index.js';

/**
 * Field names a user may bring from AWS EventBridge targets (PascalCase), mapped to ours: a
 * target holding `RetryPolicy` would otherwise look configured and silently run the defaults.
 */
const FOREIGN_NAMES: Readonly<Record<string, string>> = {
  retrypolicy: 'retry',
  deadletterconfig: 'deadLetter',
  inputtransformer: 'transform',
  inputpath: 'transform',
  input: 'transform',
  maximumretryattempts: 'maxAttempts',
  maximumeventageinseconds: 'maxAgeMs',
  httpparameters: 'headers',
};

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: `retyr` → `retry` is 1). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known field an unknown one probably meant: same letters in another case, an AWS name, or a near typo. */
export function suggestField(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const foreign = FOREIGN_NAMES[lower];
  if (foreign !== undefined && known.includes(foreign)) return foreign;
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(lower, k.toLowerCase());
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return bestD <= (key.length <= 4 ? 1 : 2) ? best : undefined;
}

/**
 * Appends one violation per own key of `o` that is not in `known`, at `<at>/<key>`: fields that
 * are stored but never read would let a typo (`retyr`) or a foreign name (`RetryPolicy`) pass
 * as configuration while the defaults apply.
 */
export function checkKnownFields(o: Readonly<Record<string, unknown>>, known: readonly string[], at: string, out: Violation[]): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const hint = suggestField(key, known);
    out.push({ path: jsonPointer(at, key), reason: hint === undefined ? 'unknown property' : `unknown property; did you mean "${hint}"?` });
  }
}
