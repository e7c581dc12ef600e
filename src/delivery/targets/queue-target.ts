import type { Violation } from '../../core/index.js';
import type { OutboundMessage, SendOutcome, Target } from '../target.js';

/** A queue's name: the same alphabet as bus and target names. */
export const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Default lock (visibility timeout) of a received event, and its bounds (docs/queues.md). */
export const DEFAULT_LOCK_MS = 60_000;
export const MIN_LOCK_MS = 1_000;
export const MAX_LOCK_MS = 3_600_000;
/** Default receive count after which an event is dead-lettered instead of handed out again, and its bound. */
export const DEFAULT_MAX_RECEIVES = 10;
export const MAX_MAX_RECEIVES = 1000;
/** The kind's own fields. */
export const QUEUE_FIELDS = ['queue', 'lockMs', 'maxReceives'] as const;
/** Engine fields that mean nothing for a target nobody pushes to: refused with a reason. */
const PUSH_ONLY = ['transform', 'sendAs', 'retry', 'timeoutMs', 'concurrency', 'rateLimit', 'circuitBreaker', 'batch', 'deadLetter', 'split'] as const;

const isInt = (v: unknown, min: number, max: number): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

export function checkQueueSpec(t: Readonly<Record<string, unknown>>, path: string, out: Violation[]): void {
  if (typeof t.queue !== 'string' || !QUEUE_NAME.test(t.queue)) out.push({ path: `${path}/queue`, reason: 'must be a queue name: 1-64 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)' });
  if (t.lockMs !== undefined && !isInt(t.lockMs, MIN_LOCK_MS, MAX_LOCK_MS)) out.push({ path: `${path}/lockMs`, reason: `must be an integer from ${MIN_LOCK_MS} to ${MAX_LOCK_MS}` });
  if (t.maxReceives !== undefined && !isInt(t.maxReceives, 1, MAX_MAX_RECEIVES)) out.push({ path: `${path}/maxReceives`, reason: `must be an integer from 1 to ${MAX_MAX_RECEIVES}` });
  for (const f of PUSH_ONLY) {
    if (t[f] !== undefined) out.push({ path: `${path}/${f}`, reason: 'does not apply to a queue target: consumers pull its events (docs/queues.md)' });
  }
}

/**
 * The Target of a queue: the dispatcher never sends to one (consumers pull through
 * src/streams), so a send can only be a wiring mistake and fails as `config`.
 */
export class QueueTarget implements Target {
  readonly kind = 'queue';

  async send(_messages: readonly OutboundMessage[], _signal: AbortSignal): Promise<SendOutcome> {
    return { type: 'failed', durationMs: 0, errorClass: 'config', message: 'a queue target is pulled by consumers, never pushed to' };
  }

  async close(): Promise<void> {}
}
