// Public surface of src/sources (DESIGN.md §3). Filled in as the folder grows.
export {
  Scheduler, type SchedulerDeps, type SchedulerLog, type ScheduleStatus, type ScheduleOrigin, type FirePut, type FireOutcome,
} from './scheduler/scheduler.js';
export { parseSchedule, scheduleWindow, DEFAULT_MAX_CATCH_UP, MAX_FLEXIBLE_WINDOW_MS, type ScheduleBody } from './scheduler/schedule-spec.js';
export { firesAfter, type FireWindow } from './scheduler/fire-times.js';
export { fireEventId } from './scheduler/fire-event.js';
export { MAX_FIRES_PER_PASS } from './scheduler/catch-up.js';
