// Statistics every A/B benchmark reports: the median of per-round ratios and its interval.

/** The median of `xs` (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A 90% interval of the median of `xs`, by bootstrap (2,000 resamples with replacement, from a
 * fixed seed so a run's report can be reproduced from its figures).
 */
export function medianInterval(xs: readonly number[]): [number, number] {
  let seed = 0x2545f491;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 0x100000000;
  };
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++) medians.push(median(xs.map(() => xs[Math.floor(rand() * xs.length)]!)));
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(0.05 * medians.length)]!, medians[Math.floor(0.95 * medians.length)]!];
}
