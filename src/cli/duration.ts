import { UsageError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration flag such as `7d`, `12h`, `30m`, `90s`, `500ms`, `2w` into milliseconds;
 * `none` means "no limit" (null). A bare number is refused: the unit is never guessed.
 */
export function parseDuration(flag: string, text: string): number | null {
  if (text === 'none') return null;
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (m === null) throw new UsageError(`${flag} "${text}" is not a duration (e.g. 7d, 12h, 30m, 90s, or none)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * Formats milliseconds in the largest unit up to days that divides them exactly
 * (604800000 → "7d": retention is talked about in days, so weeks are never printed).
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'none';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Parses a positive integer flag (`--max-count 1000`). */
export function parsePositiveInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} "${text}" must be a positive integer`);
  }
  return Number(text);
}
