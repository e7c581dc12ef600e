import type { Violation } from '../../core/index.js';
import { checkTransform, type CompiledTransform, type TransformLimits } from '../../transform/index.js';
import { targetKinds, validateTargetSpec } from '../targets/index.js';
import { checkKnownFields } from './known-fields.js';
import { payloadSpec } from './render-payload.js';
import type { DeadLetterTarget, RetrySpec, TargetSpec } from './rule-target.js';
import {
  DEFAULT_NON_RETRYABLE, DEFAULT_POLICY, MAX_AGE_MS, MAX_ATTEMPTS, MIN_AGE_MS, RETRY_PRESETS, type RetryPolicy, type RetrySchedule,
} from './retry-policy.js';

/** Most targets on one rule. */
export const MAX_TARGETS = 10;
export const MAX_CONCURRENCY = 1024;
export const MAX_BATCH_SIZE = 1000;
export const MAX_BATCH_WINDOW_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Suffix of the key under which a target's dead-letter copies are delivered. */
export const DEAD_LETTER_SUFFIX = '#dead-letter';

const TARGET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The generic fields of every target (DESIGN §8 T); each kind adds its own (TargetKind.fields). */
export const ENGINE_FIELDS = ['id', 'kind', 'transform', 'sendAs', 'retry', 'timeoutMs', 'concurrency', 'rateLimit', 'circuitBreaker', 'batch', 'ordering', 'deadLetter', 'delivery'] as const;
/** Every field a target of each kind may have (the engine's and the kind's), by kind: for the OpenAPI document. */
export function targetFieldsByKind(): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(Object.entries(targetKinds).map(([name, k]) => [name, [...ENGINE_FIELDS, ...k.fields]]));
}
/** The fields of the nested objects; anything else in them is refused like an unknown target field. */
const RETRY_FIELDS = ['preset', 'maxAttempts', 'maxAgeMs', 'baseMs', 'capMs', 'jitter', 'retryAfterCapMs', 'nonRetryableStatuses'];
const RATE_LIMIT_FIELDS = ['perSecond', 'burst'];
const BREAKER_FIELDS = ['failureThreshold', 'openMs'];
const BATCH_FIELDS = ['maxBatchSize', 'maxBatchWindowMs'];
const ORDERING_FIELDS = ['groupBy'];

/**
 * A rule target as the engine runs it: the generic fields of DESIGN §8 T resolved with
 * defaults; `raw` is the whole spec, handed to the kind's factory.
 */
export interface EngineTargetSpec {
  readonly id: string;
  readonly kind: TargetSpec['kind'];
  readonly raw: TargetSpec;
  readonly transform: CompiledTransform | undefined;
  /** `data`: the transformer output becomes the event's data; `body`: it is sent as the body. */
  readonly sendAs: 'data' | 'body';
  readonly retry: RetryPolicy;
  /** The dead-letter target's spec (any kind), if any. */
  readonly deadLetter: DeadLetterTarget | undefined;
  /** FIFO group attribute: `partitionkey`, `subject` or another attribute name. */
  readonly groupBy: string | undefined;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | undefined;
  readonly timeoutMs: number;
  readonly batch: { readonly maxBatchSize: number; readonly maxBatchWindowMs: number } | undefined;
  readonly concurrency: number;
  readonly circuitBreaker: { readonly failureThreshold: number; readonly openMs: number };
  /** One attempt, never retried, not dead-lettered: a failure drops the delivery (docs/delivery.md). */
  readonly atMostOnce: boolean;
}

export interface EngineDefaults {
  readonly concurrency: number;
  readonly breakerFailureThreshold: number;
  readonly breakerOpenMs: number;
  /** Largest transformer output in bytes; the transform default (256 KiB) when absent. */
  readonly maxTransformOutputBytes?: number;
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Checks a rule's `targets`: count, ids (unique, `[A-Za-z0-9._-]`), the kind's own fields
 * (targets/registry), and the engine fields. Returns one violation per problem.
 *
 * `limits` caps transformer outputs as the engine will (limits.maxTransformOutputBytes).
 *
 * @example validateTargets([{ id: 'a', kind: 'http', url: 'https://x', retry: 'nope' }], '/targets')
 * // → [{ path: '/targets/0/retry', reason: 'must be "backoff", "exponential-decay" or an object' }]
 */
export function validateTargets(targets: unknown, path = '/targets', limits: TransformLimits = {}): Violation[] {
  if (!Array.isArray(targets)) return [{ path, reason: 'must be an array' }];
  const out: Violation[] = [];
  if (targets.length > MAX_TARGETS) out.push({ path, reason: `at most ${MAX_TARGETS} targets per rule` });
  const ids = new Set<string>();
  targets.forEach((t, i) => {
    const at = `${path}/${i}`;
    if (!isObj(t)) {
      out.push({ path: at, reason: 'must be an object' });
      return;
    }
    if (typeof t.id !== 'string' || !TARGET_ID.test(t.id)) out.push({ path: `${at}/id`, reason: 'must be 1-64 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)' });
    else if (ids.has(t.id)) out.push({ path: `${at}/id`, reason: `duplicate target id "${t.id}"` });
    else ids.add(t.id);
    checkOne(t, at, out, false, limits);
  });
  return dedupe(out);
}

function checkOne(t: Obj, at: string, out: Violation[], nested: boolean, limits: TransformLimits): void {
  out.push(...validateTargetSpec(t, at));
  const kind = typeof t.kind === 'string' && Object.hasOwn(targetKinds, t.kind) ? targetKinds[t.kind] : undefined;
  // An unknown kind is already a violation at /kind; its own fields cannot be judged.
  if (kind !== undefined) {
    // A dead-letter target refuses id, ordering, batch and deadLetter with reasons of their own.
    checkKnownFields(t, [...ENGINE_FIELDS, ...kind.fields], at, out);
    if (nested && t.kind === 'queue') out.push({ path: `${at}/kind`, reason: 'a dead-letter target cannot be a queue: a queue\'s own dead letters are kept (docs/queues.md)' });
    if (nested && t.id !== undefined) out.push({ path: `${at}/id`, reason: 'a dead-letter target has no id of its own: its deliveries are "<target id>#dead-letter"' });
  }
  if (t.transform !== undefined) {
    const c = checkTransform(t.transform, `${at}/transform`, limits);
    if (!c.ok) out.push(...c.violations);
  }
  if (t.sendAs !== undefined && t.sendAs !== 'data' && t.sendAs !== 'body') out.push({ path: `${at}/sendAs`, reason: 'must be "data" or "body"' });
  if (t.retry !== undefined) checkRetry(t.retry, `${at}/retry`, out);
  if (t.timeoutMs !== undefined && !isInt(t.timeoutMs, 1, 60_000)) out.push({ path: `${at}/timeoutMs`, reason: 'must be an integer from 1 to 60000' });
  if (t.concurrency !== undefined && !isInt(t.concurrency, 1, MAX_CONCURRENCY)) out.push({ path: `${at}/concurrency`, reason: `must be an integer from 1 to ${MAX_CONCURRENCY}` });
  if (t.rateLimit !== undefined) {
    const r = t.rateLimit;
    if (!isObj(r) || typeof r.perSecond !== 'number' || !(r.perSecond > 0) || r.perSecond > 1_000_000) out.push({ path: `${at}/rateLimit/perSecond`, reason: 'must be a number of events per second, > 0 and ≤ 1000000' });
    else if (r.burst !== undefined && !isInt(r.burst, 1, 1_000_000)) out.push({ path: `${at}/rateLimit/burst`, reason: 'must be an integer from 1 to 1000000' });
    if (isObj(r)) checkKnownFields(r, RATE_LIMIT_FIELDS, `${at}/rateLimit`, out);
  }
  if (t.circuitBreaker !== undefined) {
    const c = t.circuitBreaker;
    if (!isObj(c)) out.push({ path: `${at}/circuitBreaker`, reason: 'must be an object { failureThreshold?, openMs? }' });
    else {
      checkKnownFields(c, BREAKER_FIELDS, `${at}/circuitBreaker`, out);
      if (c.failureThreshold !== undefined && !isInt(c.failureThreshold, 1, 10_000)) out.push({ path: `${at}/circuitBreaker/failureThreshold`, reason: 'must be an integer from 1 to 10000' });
      if (c.openMs !== undefined && !isInt(c.openMs, 100, 3_600_000)) out.push({ path: `${at}/circuitBreaker/openMs`, reason: 'must be an integer from 100 to 3600000' });
    }
  }
  if (t.batch !== undefined) {
    const b = t.batch;
    if (!isObj(b)) out.push({ path: `${at}/batch`, reason: 'must be an object { maxBatchSize, maxBatchWindowMs? }' });
    else {
      checkKnownFields(b, BATCH_FIELDS, `${at}/batch`, out);
      if (!isInt(b.maxBatchSize, 1, MAX_BATCH_SIZE)) out.push({ path: `${at}/batch/maxBatchSize`, reason: `must be an integer from 1 to ${MAX_BATCH_SIZE}` });
      if (b.maxBatchWindowMs !== undefined && !isInt(b.maxBatchWindowMs, 0, MAX_BATCH_WINDOW_MS)) out.push({ path: `${at}/batch/maxBatchWindowMs`, reason: `must be an integer from 0 to ${MAX_BATCH_WINDOW_MS}` });
      if (t.kind !== 'http') out.push({ path: `${at}/batch`, reason: 'batching is supported by http targets only' });
      if (t.ordering !== undefined) out.push({ path: `${at}/batch`, reason: 'cannot be combined with ordering' });
    }
  }
  if (t.ordering !== undefined) {
    const o = t.ordering;
    if (!isObj(o) || typeof o.groupBy !== 'string' || !/^[a-z0-9]{1,20}$/.test(o.groupBy)) {
      out.push({ path: `${at}/ordering/groupBy`, reason: 'must be "partitionkey", "subject" or another attribute name (a-z0-9)' });
    }
    if (isObj(o)) checkKnownFields(o, ORDERING_FIELDS, `${at}/ordering`, out);
  }
  if (t.delivery !== undefined) {
    if (nested) out.push({ path: `${at}/delivery`, reason: 'is not supported on a dead-letter target' });
    else if (t.delivery !== 'at-least-once' && t.delivery !== 'at-most-once') out.push({ path: `${at}/delivery`, reason: 'must be "at-least-once" or "at-most-once"' });
    else if (t.delivery === 'at-most-once' && t.deadLetter !== undefined) out.push({ path: `${at}/deadLetter`, reason: 'an at-most-once target is never dead-lettered: remove deadLetter or deliver at-least-once' });
  }
  if (t.deadLetter !== undefined) {
    if (nested) out.push({ path: `${at}/deadLetter`, reason: 'a dead-letter target has no dead-letter target of its own' });
    else if (!isObj(t.deadLetter)) out.push({ path: `${at}/deadLetter`, reason: 'must be a target object ({ kind, … })' });
    else {
      const d = t.deadLetter;
      for (const f of ['ordering', 'batch'] as const) if (d[f] !== undefined) out.push({ path: `${at}/deadLetter/${f}`, reason: 'is not supported on a dead-letter target' });
      checkOne(d, `${at}/deadLetter`, out, true, limits);
    }
  }
}

function checkRetry(r: unknown, at: string, out: Violation[]): void {
  if (typeof r === 'string') {
    if (!Object.hasOwn(RETRY_PRESETS, r)) out.push({ path: at, reason: 'must be "backoff", "exponential-decay" or an object' });
    return;
  }
  if (!isObj(r)) {
    out.push({ path: at, reason: 'must be "backoff", "exponential-decay" or an object' });
    return;
  }
  checkKnownFields(r, RETRY_FIELDS, at, out);
  if (r.preset !== undefined && (typeof r.preset !== 'string' || !Object.hasOwn(RETRY_PRESETS, r.preset))) out.push({ path: `${at}/preset`, reason: 'must be "backoff" or "exponential-decay"' });
  if (r.maxAttempts !== undefined && !isInt(r.maxAttempts, 0, MAX_ATTEMPTS)) out.push({ path: `${at}/maxAttempts`, reason: `must be an integer from 0 to ${MAX_ATTEMPTS}` });
  if (r.maxAgeMs !== undefined && !isInt(r.maxAgeMs, MIN_AGE_MS, MAX_AGE_MS)) out.push({ path: `${at}/maxAgeMs`, reason: `must be an integer from ${MIN_AGE_MS} (60 s) to ${MAX_AGE_MS} (24 h)` });
  if (r.baseMs !== undefined && !isInt(r.baseMs, 1, 3_600_000)) out.push({ path: `${at}/baseMs`, reason: 'must be an integer from 1 to 3600000' });
  if (r.capMs !== undefined && !isInt(r.capMs, 1, 86_400_000)) out.push({ path: `${at}/capMs`, reason: 'must be an integer from 1 to 86400000' });
  if (isInt(r.baseMs, 1, 3_600_000) && isInt(r.capMs, 1, 86_400_000) && r.capMs < r.baseMs) out.push({ path: `${at}/capMs`, reason: 'must be ≥ baseMs' });
  if (r.jitter !== undefined && r.jitter !== 'full' && r.jitter !== 'none') out.push({ path: `${at}/jitter`, reason: 'must be "full" or "none"' });
  if (r.retryAfterCapMs !== undefined && !isInt(r.retryAfterCapMs, 0, 86_400_000)) out.push({ path: `${at}/retryAfterCapMs`, reason: 'must be an integer from 0 to 86400000' });
  if (r.nonRetryableStatuses !== undefined && (!Array.isArray(r.nonRetryableStatuses) || !r.nonRetryableStatuses.every((s) => isInt(s, 100, 599)))) {
    out.push({ path: `${at}/nonRetryableStatuses`, reason: 'must be an array of HTTP status codes (100-599)' });
  }
}

/** The retry policy of a (valid) `retry` field. */
export function resolveRetry(r: RetrySpec | undefined): RetryPolicy {
  if (r === undefined) return DEFAULT_POLICY;
  if (typeof r === 'string') return RETRY_PRESETS[r];
  const base = r.preset !== undefined ? RETRY_PRESETS[r.preset] : DEFAULT_POLICY;
  let schedule: RetrySchedule = base.schedule;
  if (r.baseMs !== undefined || r.capMs !== undefined || r.jitter !== undefined) {
    const prev = schedule.type === 'exponential' ? schedule : { baseMs: schedule.minMs, capMs: schedule.maxMs, jitter: 'full' as const };
    schedule = { type: 'exponential', baseMs: r.baseMs ?? prev.baseMs, capMs: r.capMs ?? prev.capMs, jitter: r.jitter ?? prev.jitter };
  }
  return {
    schedule,
    maxAttempts: r.maxAttempts ?? base.maxAttempts,
    maxAgeMs: r.maxAgeMs ?? base.maxAgeMs,
    retryAfterCapMs: r.retryAfterCapMs ?? base.retryAfterCapMs,
    nonRetryableStatuses: r.nonRetryableStatuses ?? DEFAULT_NON_RETRYABLE,
  };
}

/** Resolves a target spec (a rule's target or a dead-letter target, saved through parseRuleTargets) with defaults. */
export function resolveTargetSpec(t: TargetSpec, id: string, d: EngineDefaults): EngineTargetSpec {
  const rule = 'id' in t ? t : undefined;
  const rate = t.rateLimit;
  const batch = rule?.batch;
  const cb = t.circuitBreaker;
  const { transform, sendAs } = payloadSpec(t, d.maxTransformOutputBytes === undefined ? {} : { maxOutputBytes: d.maxTransformOutputBytes });
  return {
    id,
    kind: t.kind,
    raw: t,
    transform,
    sendAs,
    retry: resolveRetry(t.retry),
    deadLetter: rule?.deadLetter,
    groupBy: rule?.ordering?.groupBy,
    rateLimit: rate === undefined ? undefined : { perSecond: rate.perSecond, burst: rate.burst ?? Math.max(1, Math.ceil(rate.perSecond)) },
    timeoutMs: t.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    batch: batch === undefined ? undefined : { maxBatchSize: batch.maxBatchSize, maxBatchWindowMs: batch.maxBatchWindowMs ?? 0 },
    concurrency: t.concurrency ?? d.concurrency,
    circuitBreaker: { failureThreshold: cb?.failureThreshold ?? d.breakerFailureThreshold, openMs: cb?.openMs ?? d.breakerOpenMs },
    atMostOnce: rule?.delivery === 'at-most-once',
  };
}

function dedupe(v: Violation[]): Violation[] {
  const seen = new Set<string>();
  return v.filter((x) => {
    const k = `${x.path}\u0000${x.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
