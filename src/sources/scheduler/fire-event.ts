import { createHash } from 'node:crypto';
import type { JsonValue } from '../../core/index.js';
import { createEvent, type CloudEvent } from '../../events/index.js';
import type { ScheduleEventTemplate } from '../../store/index.js';

/**
 * The id of the event a schedule puts for one fire: derived from the schedule's name and the
 * fire time only, so every scheduler (after a restart, on a second node) puts the same id for
 * the same fire and the store's (source, id) dedupe keeps one.
 */
export function fireEventId(schedule: string, fireTime: number): string {
  return `schedule:${schedule}:${new Date(fireTime).toISOString()}`;
}

/**
 * How long after its fire time a fire is put, within the flexible window: a fixed share of the
 * window picked by hashing (schedule, fire time), so fires of many schedules spread out, and
 * every node picks the same moment for the same fire.
 */
export function fireOffset(schedule: string, fireTime: number, flexibleWindowMs: number): number {
  if (flexibleWindowMs <= 0) return 0;
  const h = createHash('sha256').update(`${schedule}\n${fireTime}`).digest();
  return h.readUInt32BE(0) % flexibleWindowMs;
}

/**
 * The CloudEvent of one fire: the template's type, source, subject and data, the derived id,
 * `time` = the fire time (not the moment it was put).
 *
 * @throws SwitchyardError SWY_EVENT_INVALID when the template is not a valid event (checked when the schedule is put).
 */
export function fireEvent(schedule: string, template: ScheduleEventTemplate, fireTime: number): CloudEvent {
  return createEvent({
    id: fireEventId(schedule, fireTime),
    source: template.source,
    type: template.type,
    time: new Date(fireTime).toISOString(),
    ...(template.subject === undefined ? {} : { subject: template.subject }),
    ...(template.data === undefined ? {} : { datacontenttype: 'application/json', data: { kind: 'json' as const, value: template.data as JsonValue } }),
  });
}
