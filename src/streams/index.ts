export { ArchiveRouter } from './archive-router.js';
export { ArchiveService, MAX_ARCHIVE_RETENTION_MS, type ArchiveInput } from './archives.js';
export { ReplayPlan, REPLAY_EXTENSION, markReplayed } from './replay-plan.js';
export { ReplayRunner, type ReplayRunnerLog, type ReplayRunnerOptions } from './replay-runner.js';
export {
  ReplayService, replayView, MAX_ACTIVE_REPLAYS, MIN_REPLAY_RATE, MAX_REPLAY_RATE, type ReplayRequest, type ReplayView,
} from './replays.js';
export { PullQueues, MAX_RECEIVE, MAX_WAIT_MS, MAX_LOCK_TOKENS, MAX_RELEASE_DELAY_MS, type ReceivedEvent, type ReceiveRequest, type SettleAction, type SettleResult, type QueueSummary, type PullQueueDeps, type PullObserver } from './pull-queues.js';
export type { QueueDefaults, QueueFeed } from './queue-directory.js';
export { DurableConsumers, MAX_FETCH, MAX_FETCH_WAIT_MS, MAX_FETCH_SCAN, type StartPosition, type ConsumerState, type FetchResult, type AppendSignal, type ConsumerDeps } from './durable-consumers.js';
export { encodeLockToken, decodeLockToken, MAX_LOCK_TOKEN_CHARS } from './lock-token.js';
export { Waiters } from './waiters.js';
