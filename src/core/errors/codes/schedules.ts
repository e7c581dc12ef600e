import type { ErrorTable } from '../spec.js';

/** Error codes of the scheduler (docs/scheduler.md). Codes are stable: never rename or reuse one. */
export const schedulesErrors = {
  SWY_SCHEDULE_INVALID: { status: 400, title: 'Invalid schedule', doc: 'A schedule is malformed: an expression that is not a 5- or 6-field cron, `rate(n unit)` or `at(RFC 3339)`, a rate of 0 or out of range, a cron that never fires, an unknown IANA time zone, an `end` not after `start`, an event template that is not a valid CloudEvent, a missing bus. `violations` names each problem.' },
  SWY_SCHEDULE_NOT_FOUND: { status: 404, title: 'Schedule not found', doc: 'No schedule with this name exists.' },
} as const satisfies ErrorTable;
