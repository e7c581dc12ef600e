/** Limits guarding pattern compilation (docs/patterns.md "Limits"). */
export interface PatternLimits {
  /** Maximum length of the pattern's JSON text in UTF-8 bytes. */
  readonly maxPatternBytes: number;
  /** Maximum number of `*` in one wildcard value: matching cost grows with it. */
  readonly maxWildcardStars: number;
  /** Maximum number of alternatives after expanding `$or` (their product when nested). */
  readonly maxAlternatives: number;
}

export const DEFAULT_PATTERN_LIMITS: PatternLimits = Object.freeze({
  maxPatternBytes: 4 * 1024, // 4 KiB
  maxWildcardStars: 5,
  maxAlternatives: 256,
});
