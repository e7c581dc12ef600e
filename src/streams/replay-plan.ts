import { SwitchyardError } from '../core/index.js';
import { parseEventJson, type CloudEvent } from '../events/index.js';
import { RuleMatcher } from '../rules/index.js';
import { groupKey, ruleTargets } from '../delivery/index.js';
import type { ReplayDelivery, ReplayRecord, RuleView, StoredEvent } from '../store/index.js';

/** The extension attribute that marks a replayed event; its value is the replay's id. */
export const REPLAY_EXTENSION = 'swyreplay';

interface PlannedTarget {
  readonly id: string;
  readonly groupBy: string | undefined;
}

export interface PlannedStep {
  /** How many of the events given were planned (all, unless the delivery cap cut the step short). */
  readonly consumed: number;
  readonly matched: number;
  readonly deliveries: ReplayDelivery[];
}

/** Most deliveries one step enqueues (an event matching many rules × targets ends its step early). */
export const MAX_STEP_DELIVERIES = 10_000;

/**
 * What a replay job does with each event it reads, compiled from the rules as they are now:
 * the job's own pattern (if any), then the destination's rules (every enabled rule of the bus,
 * or the one named) and their targets (or only the one named). Rebuilt when the rules change.
 */
export class ReplayPlan {
  readonly #id: string;
  readonly #pattern: RuleMatcher | undefined;
  readonly #rules = new RuleMatcher();
  readonly #targets = new Map<string, readonly PlannedTarget[]>();
  readonly #ordered: boolean;

  /** Throws SWY_REPLAY_INVALID when the destination's rule or target is gone (or disabled). */
  constructor(job: Pick<ReplayRecord, 'id' | 'bus' | 'pattern' | 'destination'>, view: RuleView) {
    this.#id = job.id;
    if (job.pattern !== null && job.pattern !== undefined) {
      this.#pattern = new RuleMatcher();
      this.#pattern.add('pattern', { pattern: job.pattern });
    }
    const d = job.destination;
    const rules = 'rule' in d ? [view.rule(job.bus, d.rule)].filter((r) => r !== undefined) : view.rules(job.bus);
    if ('rule' in d && (rules.length === 0 || rules[0]!.state !== 'enabled')) {
      throw new SwitchyardError('SWY_REPLAY_INVALID', `rule "${d.rule}" does not exist on bus "${job.bus}" or is disabled`, {
        violations: [{ path: '/destination/rule', reason: 'no enabled rule of this name on the bus' }],
      });
    }
    let ordered = false;
    for (const r of rules) {
      if (r.state !== 'enabled') continue;
      let targets: PlannedTarget[] = ruleTargets(r).map((t) => ({ id: t.id, groupBy: t.ordering?.groupBy }));
      if ('rule' in d && d.target !== undefined) {
        targets = targets.filter((t) => t.id === d.target);
        if (targets.length === 0) {
          throw new SwitchyardError('SWY_REPLAY_INVALID', `rule "${d.rule}" has no target "${d.target}"`, {
            violations: [{ path: '/destination/target', reason: 'no target of this id on the rule' }],
          });
        }
      }
      if (targets.some((t) => t.groupBy !== undefined)) ordered = true;
      this.#rules.add(r.name, r.filter);
      this.#targets.set(r.name, targets);
    }
    this.#ordered = ordered;
  }

  /** Checks a replay's pattern; throws the rules engine's SwitchyardError. */
  static validatePattern(pattern: unknown): void {
    new RuleMatcher().add('check', { pattern });
  }

  /** The deliveries of a page of events (matched again, marked as replayed). */
  step(events: readonly StoredEvent[]): PlannedStep {
    const deliveries: ReplayDelivery[] = [];
    let matched = 0;
    let consumed = 0;
    for (const ev of events) {
      // Always at least one event per step, so a step makes progress whatever its fan-out.
      if (consumed > 0 && deliveries.length >= MAX_STEP_DELIVERIES) break;
      consumed++;
      if (this.#pattern !== undefined && this.#pattern.matchText(ev.body).length === 0) continue;
      const rules = this.#rules.matchText(ev.body);
      if (rules.length === 0) continue;
      matched++;
      const body = markReplayed(ev.body, this.#id);
      let parsed: CloudEvent | null | undefined;
      for (const rule of rules) {
        for (const t of this.#targets.get(rule) ?? []) {
          let group: string | null = null;
          if (this.#ordered && t.groupBy !== undefined) {
            parsed ??= parse(ev.body);
            group = parsed === null ? '' : groupKey(parsed, t.groupBy);
          }
          deliveries.push({ seq: ev.sequence, eventId: ev.id, rule, target: t.id, group, body });
        }
      }
    }
    return { consumed, matched, deliveries };
  }
}

/**
 * The event text with `swyreplay` set to the replay's id. The common case (no such attribute
 * yet) splices the attribute in front, without parsing; a replay of a replayed event replaces it.
 */
export function markReplayed(body: string, replayId: string): string {
  if (!body.includes(`"${REPLAY_EXTENSION}"`) && body.startsWith('{')) {
    return `{"${REPLAY_EXTENSION}":${JSON.stringify(replayId)}${body.length > 2 ? ',' : ''}${body.slice(1)}`;
  }
  const obj = JSON.parse(body) as Record<string, unknown>;
  obj[REPLAY_EXTENSION] = replayId;
  return JSON.stringify(obj);
}

function parse(body: string): CloudEvent | null {
  try {
    const r = parseEventJson(JSON.parse(body));
    return r.ok ? r.event : null;
  } catch {
    return null;
  }
}
