import { SwitchyardError, type ErrorCode, type Violation } from '../core/index.js';

/** Appends one segment to a JSON pointer (RFC 6901 escaping: `~` → `~0`, `/` → `~1`). */
export function pointer(base: string, segment: string | number): string {
  const s = typeof segment === 'number' ? String(segment) : segment.replace(/~/g, '~0').replace(/\//g, '~1');
  return `${base}/${s}`;
}

/**
 * Turns the violations of a whole request into one error. 413 only when every problem is a size
 * problem (the client must split or shrink); any other problem makes it a 400 SWY_EVENT_INVALID.
 */
export function invalid(violations: readonly Violation[]): SwitchyardError {
  const allTooLarge = violations.every((v) => v.code === 'SWY_EVENT_TOO_LARGE');
  const code: ErrorCode = allTooLarge ? 'SWY_EVENT_TOO_LARGE' : 'SWY_EVENT_INVALID';
  const n = violations.length;
  const message = allTooLarge
    ? `${n} event${n === 1 ? '' : 's'} over the size limit`
    : `${n} violation${n === 1 ? '' : 's'} of the CloudEvents rules`;
  return new SwitchyardError(code, message, { violations });
}
