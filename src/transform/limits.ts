/**
 * The cap on what a transformer may produce. A template can repeat a variable, so its output is
 * not bounded by the event: `${v}` 500 times over a 200 KB value would be 100 MB. Rendering stops
 * as soon as the output passes the cap (the huge string is never built), and the cap is the
 * event size limit unless configured (`limits.maxTransformOutputBytes`).
 */

/** The default cap in bytes: the default `limits.maxEventBytes` (256 KiB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024;

/** Options of a transformer's compilation. */
export interface TransformLimits {
  /** Largest output in UTF-8 bytes (templates and constants); default {@link DEFAULT_MAX_OUTPUT_BYTES}. */
  readonly maxOutputBytes?: number;
}

/**
 * Whether a string's UTF-8 encoding is longer than `max` bytes. A UTF-16 code unit is at least
 * one UTF-8 byte (a pair is four, a lone surrogate three), so the length is a lower bound and the
 * exact count is taken only when the bound cannot decide.
 */
export function exceedsBytes(s: string, max: number): boolean {
  if (s.length > max) return true;
  return s.length * 3 > max && Buffer.byteLength(s, 'utf8') > max;
}
