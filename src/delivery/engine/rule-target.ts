import type { Violation } from '../../core/index.js';
import type { RuleRecord } from '../../store/index.js';
import type { TransformLimits, TransformSpec } from '../../transform/index.js';
import type { LogLevel } from '../targets/index.js';
import type { RETRY_PRESETS } from './retry-policy.js';
import { DEAD_LETTER_SUFFIX, validateTargets } from './target-spec.js';

/** The kind-specific fields of each target kind, as saved (defaults not applied); `kind` tags the union. */
export type TargetKindFields =
  | {
      readonly kind: 'http';
      readonly url: string;
      readonly method?: 'POST' | 'PUT' | 'PATCH';
      readonly headers?: Readonly<Record<string, string>>;
      readonly mode?: 'binary' | 'structured';
      readonly batchFormat?: 'cloudevents' | 'json';
      readonly connection?: string;
    }
  | { readonly kind: 'bus'; readonly bus: string }
  | { readonly kind: 'log'; readonly level?: LogLevel }
  | { readonly kind: 'file'; readonly path: string; readonly fsync?: boolean };

export type RetryPreset = keyof typeof RETRY_PRESETS;

/** A `retry` field: a preset name, or a policy (docs/targets.md). */
export type RetrySpec =
  | RetryPreset
  | {
      readonly preset?: RetryPreset;
      readonly maxAttempts?: number;
      readonly maxAgeMs?: number;
      readonly baseMs?: number;
      readonly capMs?: number;
      readonly jitter?: 'full' | 'none';
      readonly retryAfterCapMs?: number;
      readonly nonRetryableStatuses?: readonly number[];
    };

/** The engine's generic fields a dead-letter target has too (DESIGN §8 T). */
interface SharedFields {
  readonly transform?: TransformSpec;
  readonly sendAs?: 'data' | 'body';
  readonly retry?: RetrySpec;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly rateLimit?: { readonly perSecond: number; readonly burst?: number };
  readonly circuitBreaker?: { readonly failureThreshold?: number; readonly openMs?: number };
}

/** A target's dead-letter target: any kind, without id, ordering, batch or a dead-letter target of its own. */
export type DeadLetterTarget = TargetKindFields & SharedFields;

/** One target of a rule as saved, after {@link parseRuleTargets} accepted it. */
export type RuleTarget = TargetKindFields & SharedFields & {
  readonly id: string;
  readonly batch?: { readonly maxBatchSize: number; readonly maxBatchWindowMs?: number };
  readonly ordering?: { readonly groupBy: string };
  readonly deadLetter?: DeadLetterTarget;
};

/** What a delivery key (`<id>` or `<id>#dead-letter`) runs: a rule's target or a dead-letter target. */
export type TargetSpec = RuleTarget | DeadLetterTarget;

export type ParsedTargets = { readonly ok: true; readonly targets: readonly RuleTarget[] } | { readonly ok: false; readonly violations: Violation[] };

/**
 * Checks a rule's `targets` (validateTargets: count, ids, each kind's fields, transformers,
 * retry, …) and returns them typed. The one parse of a rule's targets: done when the rule is
 * saved, so what the catalog holds is always a valid `RuleTarget[]` and readers use
 * {@link ruleTargets} without checking again.
 *
 * @example parseRuleTargets([{ id: 'a', kind: 'bus', bus: 'audit' }]) // → { ok: true, targets: [{ id: 'a', kind: 'bus', bus: 'audit' }] }
 */
export function parseRuleTargets(raw: unknown, limits: TransformLimits = {}): ParsedTargets {
  const violations = validateTargets(raw, '/targets', limits);
  return violations.length > 0 ? { ok: false, violations } : { ok: true, targets: raw as readonly RuleTarget[] };
}

/** The targets of a saved rule: they passed {@link parseRuleTargets} when it was saved. */
export function ruleTargets(rule: RuleRecord): readonly RuleTarget[] {
  return rule.targets as readonly RuleTarget[];
}

/**
 * The spec behind a delivery key's target id: the rule's target `<id>`, or for
 * `<id>#dead-letter` that target's dead-letter target; `gone` with the reason when the rule no
 * longer has it.
 */
export function targetSpecOf(rule: RuleRecord, targetId: string): { readonly type: 'found'; readonly spec: TargetSpec } | { readonly type: 'gone'; readonly reason: string } {
  const dead = targetId.endsWith(DEAD_LETTER_SUFFIX);
  const base = dead ? targetId.slice(0, -DEAD_LETTER_SUFFIX.length) : targetId;
  const t = ruleTargets(rule).find((x) => x.id === base);
  if (t === undefined) return { type: 'gone', reason: `target "${base}" was removed from the rule` };
  if (!dead) return { type: 'found', spec: t };
  if (t.deadLetter === undefined) return { type: 'gone', reason: `target "${base}" no longer has a dead-letter target` };
  return { type: 'found', spec: t.deadLetter };
}
