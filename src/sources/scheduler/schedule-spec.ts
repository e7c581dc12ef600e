import { SYSTEM_BUS, SwitchyardError, isSwitchyardError, type Violation } from '../../core/index.js';
import { eventSize } from '../../events/index.js';
import type { CatchUpPolicy, NewSchedule, ScheduleEventTemplate, ScheduleRecord } from '../../store/index.js';
import { isKnownTimeZone, parseExpression, parseRfc3339, type ScheduleExpression } from './expression.js';
import { fireEvent } from './fire-event.js';
import { firesAfter, type FireWindow } from './fire-times.js';
import { MAX_FIRES_PER_PASS } from './catch-up.js';

/** A schedule as the API takes it (docs/scheduler.md); the route's JSON schema checked the types. */
export interface ScheduleBody {
  readonly bus: string;
  readonly expression: string;
  readonly timezone?: string;
  readonly event: { readonly type: string; readonly source: string; readonly subject?: string; readonly data?: unknown };
  readonly start?: string | null;
  readonly end?: string | null;
  readonly flexibleWindowMs?: number;
  readonly catchUp?: CatchUpPolicy;
  readonly maxCatchUp?: number;
  readonly state?: 'enabled' | 'disabled';
  readonly description?: string | null;
}

export const DEFAULT_MAX_CATCH_UP = 10;
/** The widest flexible window: 24 hours. */
export const MAX_FLEXIBLE_WINDOW_MS = 86_400_000;

/**
 * Checks a schedule's semantics (time zone, expression, bounds, the event it will put) and
 * returns it as the catalog keeps it. `now` is used only to tell a cron that never fires.
 *
 * @throws SwitchyardError SWY_SCHEDULE_INVALID with one violation per problem.
 */
export function parseSchedule(name: string, body: ScheduleBody, limits: { readonly maxEventBytes: number }, now: number): NewSchedule {
  const out: Violation[] = [];
  const timezone = body.timezone ?? 'UTC';
  const zoneOk = isKnownTimeZone(timezone);
  if (!zoneOk) out.push({ path: '/timezone', reason: `"${timezone.slice(0, 64)}" is not an IANA time zone this server knows (e.g. Europe/Berlin, America/New_York, UTC)` });
  const parsed = parseExpression(body.expression, zoneOk ? timezone : 'UTC');
  if (!parsed.ok) out.push({ path: '/expression', reason: parsed.reason });
  const start = instant(body.start, '/start', out);
  const end = instant(body.end, '/end', out);
  if (start !== null && end !== null && end <= start) out.push({ path: '/end', reason: 'must be after start' });
  if (body.bus === SYSTEM_BUS) out.push({ path: '/bus', reason: `the system bus "${SYSTEM_BUS}" takes only Switchyard's own events` });
  const maxCatchUp = body.maxCatchUp ?? DEFAULT_MAX_CATCH_UP;
  if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1 || maxCatchUp > MAX_FIRES_PER_PASS) out.push({ path: '/maxCatchUp', reason: `must be an integer from 1 to ${MAX_FIRES_PER_PASS}` });
  const flexibleWindowMs = body.flexibleWindowMs ?? 0;
  if (!Number.isInteger(flexibleWindowMs) || flexibleWindowMs < 0 || flexibleWindowMs > MAX_FLEXIBLE_WINDOW_MS) {
    out.push({ path: '/flexibleWindowMs', reason: `must be an integer from 0 to ${MAX_FLEXIBLE_WINDOW_MS} (24 h)` });
  }
  const event: ScheduleEventTemplate = {
    type: body.event.type, source: body.event.source,
    ...(body.event.subject === undefined ? {} : { subject: body.event.subject }),
    ...(body.event.data === undefined ? {} : { data: body.event.data }),
  };
  checkEvent(name, event, limits.maxEventBytes, out);
  if (parsed.ok && parsed.expression.type === 'cron' && out.length === 0) {
    const w: FireWindow = { expression: parsed.expression, anchor: now, start, end };
    if (end === null && firesAfter(w, now, 1).length === 0) out.push({ path: '/expression', reason: 'never fires (no date matches every field)' });
  }
  if (out.length > 0) throw new SwitchyardError('SWY_SCHEDULE_INVALID', `schedule "${name}" is invalid: ${out.map((v) => `${v.path}: ${v.reason}`).join('; ')}`, { violations: out });
  return {
    name, description: body.description ?? null, bus: body.bus, expression: body.expression.trim(), timezone, event,
    start, end, flexibleWindowMs, catchUp: body.catchUp ?? 'none', maxCatchUp, state: body.state ?? 'enabled',
  };
}

/** The fire-time window of a stored schedule (its expression re-parsed; stored ones parsed when put). */
export function scheduleWindow(s: ScheduleRecord): FireWindow | undefined {
  const p = parseExpression(s.expression, s.timezone);
  return p.ok ? windowOf(s, p.expression) : undefined;
}

function windowOf(s: ScheduleRecord, expression: ScheduleExpression): FireWindow {
  return { expression, anchor: s.start ?? s.createdAt, start: s.start, end: s.end };
}

function instant(v: string | null | undefined, path: string, out: Violation[]): number | null {
  if (v === undefined || v === null) return null;
  const ms = parseRfc3339(v);
  if (ms === undefined) out.push({ path, reason: 'must be an RFC 3339 date-time with an offset, e.g. 2030-01-01T00:00:00Z' });
  return ms ?? null;
}

function checkEvent(name: string, event: ScheduleEventTemplate, maxEventBytes: number, out: Violation[]): void {
  try {
    // A sample fire: the event every fire puts differs only in id and time.
    const sample = fireEvent(name, event, Date.UTC(2000, 0, 1));
    const size = eventSize(sample);
    if (size > maxEventBytes) out.push({ path: '/event', reason: `the event would be ${size} bytes; the limit is ${maxEventBytes} (limits.maxEventBytes)` });
  } catch (e) {
    if (!isSwitchyardError(e)) throw e;
    for (const v of e.violations.length > 0 ? e.violations : [{ path: '', reason: e.message }]) {
      if (v.path === '/id' || v.path === '/time') continue;
      out.push({ path: `/event${v.path}`, reason: v.reason });
    }
  }
}
