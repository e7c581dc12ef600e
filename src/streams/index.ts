export { PullQueues, MAX_RECEIVE, MAX_WAIT_MS, MAX_LOCK_TOKENS, MAX_RELEASE_DELAY_MS, type ReceivedEvent, type ReceiveRequest, type SettleAction, type SettleResult, type QueueSummary, type PullQueueDeps, type PullObserver } from './pull-queues.js';
export type { QueueDefaults, QueueFeed } from './queue-directory.js';
export { DurableConsumers, MAX_FETCH, MAX_FETCH_WAIT_MS, MAX_FETCH_SCAN, type StartPosition, type ConsumerState, type FetchResult, type AppendSignal, type ConsumerDeps } from './durable-consumers.js';
export { encodeLockToken, decodeLockToken, MAX_LOCK_TOKEN_CHARS } from './lock-token.js';
export { Waiters } from './waiters.js';
