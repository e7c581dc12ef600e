import { Cron } from 'croner';

/**
 * A schedule expression, parsed (docs/scheduler.md):
 * - `cron`: 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), optionally
 *   written `cron(...)`, read in the schedule's IANA time zone by croner;
 * - `rate`: every `everyMs`, anchored at the schedule's start (or its creation);
 * - `at`: once, at an RFC 3339 instant (with `Z` or an offset).
 */
export type ScheduleExpression =
  | { readonly type: 'cron'; readonly cron: Cron }
  | { readonly type: 'rate'; readonly everyMs: number }
  | { readonly type: 'at'; readonly at: number };

export type ParsedExpression = { readonly ok: true; readonly expression: ScheduleExpression } | { readonly ok: false; readonly reason: string };

export const MAX_EXPRESSION_LENGTH = 256;
/** Longest rate period: 10 years of days. */
export const MAX_RATE_MS = 3650 * 86_400_000;

const UNIT_MS: Readonly<Record<string, number>> = {
  second: 1000, seconds: 1000, minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000,
};

const RATE = /^rate\(\s*(\d{1,12})\s+([a-z]+)\s*\)$/;
const AT = /^at\(\s*(.+?)\s*\)$/;
const CRON_WRAPPED = /^cron\((.*)\)$/;
// RFC 3339 date-time (section 5.6) with a mandatory offset; fractions to the millisecond.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
// Field characters croner understands; anything else is refused before croner sees it.
const CRON_FIELD = /^[0-9A-Za-z*?,/#+LW-]{1,64}$/;

/** True when `tz` is a time zone this runtime knows (IANA names, e.g. Europe/Berlin, UTC). */
export function isKnownTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses an RFC 3339 instant (offset required) to epoch ms; undefined when it is not one. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  // Date.parse accepts out-of-range fields by rolling them over; check each field instead.
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 60) return undefined;
  const ms = Date.parse(text.toUpperCase().replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(ms)) return undefined;
  if (new Date(Date.UTC(y!, mo! - 1, d!)).getUTCDate() !== d) return undefined;
  return ms;
}

/**
 * Parses an expression for a schedule in `timezone` (already checked to be known). Never throws:
 * a malformed expression comes back with the reason.
 *
 * @example parseExpression('rate(5 minutes)', 'UTC') // → { ok: true, expression: { type: 'rate', everyMs: 300000 } }
 */
export function parseExpression(text: string, timezone: string): ParsedExpression {
  if (text.length > MAX_EXPRESSION_LENGTH) return fail(`is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const trimmed = text.trim();
  const rate = RATE.exec(trimmed);
  if (rate !== null) {
    const n = Number(rate[1]);
    const unit = UNIT_MS[rate[2]!];
    if (unit === undefined) return fail(`rate unit "${rate[2]}" is not one of seconds, minutes, hours, days`);
    if (n < 1) return fail('a rate must be at least 1 (rate(0 …) would never advance)');
    if (n * unit > MAX_RATE_MS) return fail('a rate period may be at most 3650 days');
    return { ok: true, expression: { type: 'rate', everyMs: n * unit } };
  }
  if (trimmed.startsWith('rate(')) return fail('a rate is written rate(<positive integer> <seconds|minutes|hours|days>), e.g. rate(5 minutes)');
  const at = AT.exec(trimmed);
  if (at !== null) {
    const ms = parseRfc3339(at[1]!);
    if (ms === undefined) return fail('at(...) needs an RFC 3339 date-time with an offset, e.g. at(2030-01-01T09:00:00Z)');
    return { ok: true, expression: { type: 'at', at: ms } };
  }
  if (trimmed.startsWith('at(')) return fail('at(...) needs an RFC 3339 date-time with an offset, e.g. at(2030-01-01T09:00:00Z)');
  const cronText = CRON_WRAPPED.exec(trimmed)?.[1]?.trim() ?? trimmed;
  const fields = cronText.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return fail(`a cron expression has 5 fields (minute hour day month weekday) or 6 (seconds first); this one has ${cronText === '' ? 0 : fields.length}`);
  }
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  if (bad !== undefined) return fail(`cron field "${bad.slice(0, 64)}" has characters a cron field cannot hold`);
  let cron: Cron;
  try {
    // fixedTimeRule no-wildcard: a job at fixed hours and minutes (lists included) runs once when
    // a daylight-saving change repeats its local time, and once after the gap when it skips it.
    cron = new Cron(fields.join(' '), { timezone, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', paused: true });
  } catch (e) {
    return fail(`is not a valid cron expression: ${(e as Error).message.replace(/^CronPattern: /, '')}`);
  }
  return { ok: true, expression: { type: 'cron', cron } };
}

const fail = (reason: string): ParsedExpression => ({ ok: false, reason });
