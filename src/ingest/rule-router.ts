import type { CloudEvent } from '../events/index.js';
import type { DeliveryEnqueue, RuleRecord } from '../store/index.js';
import { groupKey, ruleTargets } from '../delivery/index.js';
import type { EventRouter } from './router.js';

/**
 * The compiled matcher of one bus, as the rules engine provides it. `add` throws a
 * SwitchyardError (400) for an invalid filter; `matchText` matches the event's JSON-format text.
 */
export interface BusMatcher {
  add(ruleId: string, filter: unknown): void;
  remove(ruleId: string): void;
  matchText(text: string): readonly string[];
}

/**
 * Routes events to the enabled rules of their bus at ingest. One matcher per bus, changed
 * in place as rules are put or deleted; the matcher keeps matching on its current snapshot
 * while a rule is added, so ingest never waits for a rule change.
 */
/** Turns an event's matched rules into the deliveries to enqueue with it (rules × targets). */
export interface DeliveryPlanner {
  deliveries(bus: string, rules: readonly string[], event: CloudEvent): DeliveryEnqueue[];
}

interface PlannedTarget {
  readonly target: string;
  readonly groupBy: string | undefined;
}

export class RuleRouter implements EventRouter, DeliveryPlanner {
  readonly #newMatcher: () => BusMatcher;
  readonly #byBus = new Map<string, BusMatcher>();
  /** Per bus, per enabled rule: its targets' ids and FIFO group attribute. */
  readonly #plans = new Map<string, Map<string, readonly PlannedTarget[]>>();

  constructor(newMatcher: () => BusMatcher) {
    this.#newMatcher = newMatcher;
  }

  /** Checks a filter without installing it; throws the matcher's SwitchyardError. */
  validate(filter: unknown): void {
    this.#newMatcher().add('check', filter);
  }

  /** Installs (enabled) or uninstalls (disabled) a rule; the filter was validated before. */
  set(rule: RuleRecord): void {
    let m = this.#byBus.get(rule.bus);
    if (rule.state === 'disabled') {
      m?.remove(rule.name);
      this.#plans.get(rule.bus)?.delete(rule.name);
      return;
    }
    let plans = this.#plans.get(rule.bus);
    if (plans === undefined) {
      plans = new Map();
      this.#plans.set(rule.bus, plans);
    }
    plans.set(rule.name, ruleTargets(rule).map((t) => ({ target: t.id, groupBy: t.ordering?.groupBy })));
    if (m === undefined) {
      m = this.#newMatcher();
      this.#byBus.set(rule.bus, m);
    }
    m.remove(rule.name);
    m.add(rule.name, rule.filter);
  }

  remove(bus: string, name: string): void {
    this.#byBus.get(bus)?.remove(name);
    this.#plans.get(bus)?.delete(name);
  }

  /** Forgets every rule of a deleted bus. */
  dropBus(bus: string): void {
    this.#byBus.delete(bus);
    this.#plans.delete(bus);
  }

  deliveries(bus: string, rules: readonly string[], event: CloudEvent): DeliveryEnqueue[] {
    const plans = this.#plans.get(bus);
    const out: DeliveryEnqueue[] = [];
    if (plans === undefined) return out;
    for (const rule of rules) {
      for (const p of plans.get(rule) ?? []) {
        out.push({ rule, target: p.target, group: p.groupBy === undefined ? null : groupKey(event, p.groupBy) });
      }
    }
    return out;
  }

  route(bus: string, _event: CloudEvent, text: string): readonly string[] {
    const m = this.#byBus.get(bus);
    return m === undefined ? [] : m.matchText(text);
  }
}
