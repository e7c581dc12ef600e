import { SwitchyardError, type Clock } from '../core/index.js';
import type { DeliveryQueue, LeasedDelivery, PullSettlement, TargetCounts, TargetKey } from '../store/index.js';
import { decodeLockToken, encodeLockToken } from './lock-token.js';
import { QueueDirectory, type QueueDefaults, type QueueFeed } from './queue-directory.js';
import { Waiters } from './waiters.js';

/** Bounds of a receive and of a settlement request (docs/queues.md). */
export const MAX_RECEIVE = 1000;
export const MAX_WAIT_MS = 60_000;
export const MAX_LOCK_TOKENS = 1000;
export const MAX_RELEASE_DELAY_MS = 86_400_000;
/** How often a long-poll receive looks again without a hint (work enqueued by another node). */
const POLL_MS = 1000;

/** One received event: its lock token, receive count and lock end, and the event as stored. */
export interface ReceivedEvent {
  readonly lockToken: string;
  readonly deliveryCount: number;
  readonly lockedUntil: number;
  readonly sequence: number;
  readonly group: string | null;
  readonly rule: string;
  /** The event's JSON-format text, byte-exact as stored. */
  readonly eventText: string;
}

export interface ReceiveRequest {
  readonly max: number;
  readonly waitMs: number;
  /** The lock's length for this receive; the queue target's `lockMs` when absent. */
  readonly visibilityMs?: number | undefined;
}

export type SettleAction =
  | { readonly type: 'ack' }
  | { readonly type: 'release'; readonly delayMs: number }
  | { readonly type: 'reject'; readonly reason: string }
  | { readonly type: 'renew'; readonly visibilityMs?: number | undefined };

export interface SettleResult {
  readonly succeeded: readonly string[];
  readonly failed: readonly { readonly lockToken: string; readonly code: 'SWY_QUEUE_LOCK_TOKEN_INVALID' | 'SWY_QUEUE_LOCK_LOST'; readonly message: string }[];
}

export interface QueueSummary {
  readonly name: string;
  readonly feeds: readonly { readonly rule: string; readonly target: string; readonly lockMs: number; readonly maxReceives: number; readonly ordered: boolean }[];
  /** Summed over the feeds: ready (pending), locked (received, lock not settled), dead. */
  readonly counts: { readonly ready: number; readonly locked: number; readonly dead: number };
}

/** Told what receives and settlements did (metrics); every method must be cheap and must not throw. */
export interface PullObserver {
  received(bus: string, queue: string, count: number): void;
  /** `action` is a settlement, or `max-receives` for events dead-lettered at receive; `result` per lock token. */
  settled(bus: string, queue: string, action: SettleAction['type'] | 'max-receives', result: 'ok' | 'lost' | 'invalid', count: number): void;
}

export interface PullQueueDeps {
  /** Metrics of receives and settlements; none when absent. */
  readonly observer?: PullObserver;
  readonly deliveries: DeliveryQueue;
  readonly rules: ConstructorParameters<typeof QueueDirectory>[0];
  readonly clock: Clock;
  readonly defaults: QueueDefaults;
  /** Long-poll waits at once, at most (default 10,000). */
  readonly maxWaiters?: number;
}

const keyId = (k: TargetKey): string => `${k.bus}\u0000${k.rule}\u0000${k.target}`;
const queueId = (bus: string, queue: string): string => `${bus}\u0000${queue}`;

/**
 * Pull queues (docs/queues.md): a queue is the deliveries of every rule target of kind `queue`
 * naming it on a bus. Consumers receive them under a lock (a lease of the delivery queue that
 * counts as a receive), then acknowledge, release, reject or renew by lock token. Long-poll
 * receives wait for the delivery queue's work hints (and look again every second, for work
 * another node enqueued), never longer than their `waitMs`.
 */
export class PullQueues {
  readonly #deps: PullQueueDeps;
  readonly #dir: QueueDirectory;
  readonly #waiters: Waiters;
  readonly #unwork: () => void;
  /** Which queue each feeding target belongs to, for the work hints (rebuilt with the directory). */
  readonly #queueOf = new Map<string, string>();
  /** Round-robin start among a queue's feeds, so one rule's backlog does not starve another's. */
  #turn = 0;

  constructor(deps: PullQueueDeps) {
    this.#deps = deps;
    this.#dir = new QueueDirectory(deps.rules, deps.defaults);
    this.#waiters = new Waiters(deps.maxWaiters ?? 10_000);
    this.#unwork = deps.deliveries.watchWork((keys) => {
      if (this.#waiters.size === 0) return;
      for (const k of keys) {
        const q = this.#queueOf.get(keyId(k));
        if (q !== undefined) this.#waiters.wake(q);
      }
    });
  }

  close(): void {
    this.#unwork();
    this.#dir.close();
    this.#waiters.close();
  }

  /** Long-poll receives waiting now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** The bus's queues with their counts. */
  async list(bus: string): Promise<QueueSummary[]> {
    const out: QueueSummary[] = [];
    for (const [name, feeds] of this.#dir.queues(bus)) out.push(await this.#summary(name, feeds));
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async get(bus: string, queue: string): Promise<QueueSummary> {
    return this.#summary(queue, this.#feeds(bus, queue));
  }

  /**
   * Receives up to `max` events, waiting up to `waitMs` for the first. An event whose stored
   * copy retention removed meanwhile is dead-lettered instead of handed out without content.
   */
  async receive(bus: string, queue: string, req: ReceiveRequest, signal?: AbortSignal): Promise<ReceivedEvent[]> {
    const feeds = this.#feeds(bus, queue);
    const qid = queueId(bus, queue);
    for (const f of feeds) this.#queueOf.set(keyId(f.key), qid);
    const deadline = this.#deps.clock.now() + req.waitMs;
    for (;;) {
      const got = await this.#receiveOnce(bus, queue, feeds, req);
      const left = deadline - this.#deps.clock.now();
      if (got.length > 0 || left <= 0 || signal?.aborted === true) return got;
      if (!(await this.#waiters.wait(qid, Math.min(left, POLL_MS), signal))) return got;
    }
  }

  async #receiveOnce(bus: string, queue: string, feeds: readonly QueueFeed[], req: ReceiveRequest): Promise<ReceivedEvent[]> {
    const out: ReceivedEvent[] = [];
    const start = this.#turn++ % feeds.length;
    for (let i = 0; i < feeds.length && out.length < req.max; i++) {
      const f = feeds[(start + i) % feeds.length]!;
      const now = this.#deps.clock.now();
      const lockMs = req.visibilityMs ?? f.lockMs;
      const r = await this.#deps.deliveries.receive(f.key, now, now + lockMs, req.max - out.length, f.maxReceives);
      const gone: PullSettlement[] = [];
      for (const d of r.deliveries) {
        if (d.eventBody === null) gone.push({ type: 'reject', id: d.id, lease: d.lease, reason: 'the event was removed by the bus\'s retention before it was received' });
        else out.push(received(d, d.eventBody));
      }
      if (gone.length > 0) await this.#deps.deliveries.settle([f.key], gone, now);
      if (r.deadLettered > 0) this.#deps.observer?.settled(bus, queue, 'max-receives', 'ok', r.deadLettered);
    }
    if (out.length > 0) this.#deps.observer?.received(bus, queue, out.length);
    return out;
  }

  /** Applies one action to each lock token; answers which succeeded and why the others failed. */
  async settle(bus: string, queue: string, tokens: readonly string[], action: SettleAction): Promise<SettleResult> {
    const feeds = this.#feeds(bus, queue);
    const now = this.#deps.clock.now();
    const failed: { lockToken: string; code: 'SWY_QUEUE_LOCK_TOKEN_INVALID' | 'SWY_QUEUE_LOCK_LOST'; message: string }[] = [];
    const asked: { token: string; s: PullSettlement }[] = [];
    const seen = new Set<string>();
    for (const token of tokens) {
      const ref = decodeLockToken(token);
      if (ref === undefined) {
        failed.push({ lockToken: token, code: 'SWY_QUEUE_LOCK_TOKEN_INVALID', message: 'not a lock token a receive handed out' });
        continue;
      }
      if (seen.has(token)) {
        failed.push({ lockToken: token, code: 'SWY_QUEUE_LOCK_LOST', message: 'the same lock token was given twice in this request' });
        continue;
      }
      seen.add(token);
      asked.push({ token, s: settlementOf(ref, action, now, feeds) });
    }
    const applied = await this.#deps.deliveries.settle(feeds.map((f) => f.key), asked.map((a) => a.s), now);
    const succeeded: string[] = [];
    asked.forEach((a, i) => {
      if (applied[i] === true) succeeded.push(a.token);
      else failed.push({ lockToken: a.token, code: 'SWY_QUEUE_LOCK_LOST', message: 'the lock is no longer held: settled already, ended and taken by another receive, or (renew) ended' });
    });
    const o = this.#deps.observer;
    if (o !== undefined) {
      const invalid = failed.filter((f) => f.code === 'SWY_QUEUE_LOCK_TOKEN_INVALID').length;
      if (succeeded.length > 0) o.settled(bus, queue, action.type, 'ok', succeeded.length);
      if (failed.length > invalid) o.settled(bus, queue, action.type, 'lost', failed.length - invalid);
      if (invalid > 0) o.settled(bus, queue, action.type, 'invalid', invalid);
    }
    return { succeeded, failed };
  }

  #feeds(bus: string, queue: string): readonly QueueFeed[] {
    const feeds = this.#dir.feeds(bus, queue);
    if (feeds.length === 0) throw new SwitchyardError('SWY_QUEUE_NOT_FOUND', `no rule on bus "${bus}" has a target of kind queue named "${queue}"`);
    return feeds;
  }

  async #summary(name: string, feeds: readonly QueueFeed[]): Promise<QueueSummary> {
    const counts = { ready: 0, locked: 0, dead: 0 };
    for (const f of feeds) {
      const c: TargetCounts = await this.#deps.deliveries.counts(f.key);
      counts.ready += c.pending;
      counts.locked += c.inFlight;
      counts.dead += c.dead;
    }
    return {
      name, counts,
      feeds: feeds.map((f) => ({ rule: f.key.rule, target: f.key.target, lockMs: f.lockMs, maxReceives: f.maxReceives, ordered: f.ordered })),
    };
  }
}

function received(d: LeasedDelivery, eventText: string): ReceivedEvent {
  return {
    lockToken: encodeLockToken(d), deliveryCount: d.attempts, lockedUntil: d.leaseUntil, sequence: d.seq, group: d.group, rule: d.rule, eventText,
  };
}

function settlementOf(ref: { id: string; lease: string }, a: SettleAction, now: number, feeds: readonly QueueFeed[]): PullSettlement {
  switch (a.type) {
    case 'ack': return { type: 'ack', ...ref };
    case 'release': return { type: 'release', ...ref, dueAt: now + a.delayMs };
    case 'reject': return { type: 'reject', ...ref, reason: a.reason };
    // A renew extends by the request's visibility, else the shortest lock among the queue's feeds.
    case 'renew': return { type: 'renew', ...ref, leaseUntil: now + (a.visibilityMs ?? Math.min(...feeds.map((f) => f.lockMs))) };
  }
}
