import type { DeadLetterTarget, RetryPresetName, RuleTarget, Violation } from '../../core/index.js';
import type { RuleRecord } from '../../store/index.js';
import type { TransformLimits } from '../../transform/index.js';
import { DEAD_LETTER_SUFFIX, validateTargets } from './target-spec.js';

// The target union is declared in core (src/core/rule-target.ts) so the store can name it.
export type { TargetKindFields, RetrySpec, DeadLetterTarget, RuleTarget } from '../../core/index.js';

/** The names of the retry presets (RETRY_PRESETS in retry-policy.ts). */
export type RetryPreset = RetryPresetName;

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
