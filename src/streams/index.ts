export { ArchiveRouter } from './archive-router.js';
export { ArchiveService, MAX_ARCHIVE_RETENTION_MS, type ArchiveInput } from './archives.js';
export { ReplayPlan, REPLAY_EXTENSION, markReplayed } from './replay-plan.js';
export { ReplayRunner, type ReplayRunnerLog, type ReplayRunnerOptions } from './replay-runner.js';
export {
  ReplayService, replayView, MAX_ACTIVE_REPLAYS, MIN_REPLAY_RATE, MAX_REPLAY_RATE, type ReplayRequest, type ReplayView,
} from './replays.js';
