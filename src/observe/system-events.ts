import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../core/index.js';
import { SYSTEM_BUS } from '../core/index.js';
import type { TargetLabels } from './metrics.js';

/** The bus Switchyard puts its own events on; created at start, protected from deletion and from outside puts. */
export { SYSTEM_BUS };

/** Type of every system event (CloudEvents `type`). */
export const SYSTEM_EVENT_TYPES = {
  ruleCreated: 'switchyard.rule.created',
  ruleChanged: 'switchyard.rule.changed',
  ruleDeleted: 'switchyard.rule.deleted',
  deadLettered: 'switchyard.delivery.dead-lettered',
  targetDisabled: 'switchyard.target.disabled',
  circuitOpened: 'switchyard.circuit.opened',
  circuitClosed: 'switchyard.circuit.closed',
} as const;

/** A system event as a PutEvents entry (CloudEvents JSON format plus `bus`). */
export interface SystemEntry {
  readonly bus: typeof SYSTEM_BUS;
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: JsonValue;
}

/**
 * Puts Switchyard's own CloudEvents on `switchyard.system` through the ordinary put path, so
 * users route them with ordinary rules (a Slack webhook for dead letters, say). Publishing never
 * throws and never waits the caller: a failed put is reported through `onError`.
 *
 * Loop guard: delivery events (dead letter, target disabled, circuit) about targets of rules on
 * the system bus itself are not published, so a failing target of a system rule cannot feed
 * itself.
 */
export class SystemEvents {
  readonly #put: (entries: SystemEntry[]) => Promise<unknown>;
  readonly #onError: (err: unknown) => void;
  readonly #source: string;
  readonly #now: () => number;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(deps: { put: (entries: SystemEntry[]) => Promise<unknown>; onError: (err: unknown) => void; source?: string; now?: () => number }) {
    this.#put = deps.put;
    this.#onError = deps.onError;
    this.#source = deps.source ?? '/switchyard';
    this.#now = deps.now ?? Date.now;
  }

  ruleChanged(kind: 'created' | 'changed' | 'deleted', bus: string, rule: string, data: Record<string, JsonValue> = {}): void {
    const type = kind === 'created' ? SYSTEM_EVENT_TYPES.ruleCreated : kind === 'changed' ? SYSTEM_EVENT_TYPES.ruleChanged : SYSTEM_EVENT_TYPES.ruleDeleted;
    this.#publish(type, `buses/${bus}/rules/${rule}`, { bus, rule, ...data });
  }

  /** Deliveries were dead-lettered: one (with its event) or `count` at once (a target's whole queue). */
  deadLettered(t: TargetLabels, event: { readonly id: string; readonly sequence: number } | undefined, count: number, reason: string): void {
    if (t.bus === SYSTEM_BUS) return;
    const which: Record<string, JsonValue> = event === undefined ? {} : { eventId: event.id, sequence: event.sequence };
    this.#publish(SYSTEM_EVENT_TYPES.deadLettered, `buses/${t.bus}/rules/${t.rule}/targets/${t.target}`, { ...t, ...which, count, reason });
  }

  targetDisabled(t: TargetLabels, reason: string): void {
    if (t.bus === SYSTEM_BUS) return;
    this.#publish(SYSTEM_EVENT_TYPES.targetDisabled, `buses/${t.bus}/rules/${t.rule}/targets/${t.target}`, { ...t, reason });
  }

  circuit(t: TargetLabels, state: 'opened' | 'closed', data: Record<string, JsonValue> = {}): void {
    if (t.bus === SYSTEM_BUS) return;
    this.#publish(state === 'opened' ? SYSTEM_EVENT_TYPES.circuitOpened : SYSTEM_EVENT_TYPES.circuitClosed, `buses/${t.bus}/rules/${t.rule}/targets/${t.target}`, { ...t, ...data });
  }

  /** Waits for every publish still in flight (graceful shutdown, tests). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #publish(type: string, subject: string, data: Record<string, JsonValue>): void {
    const entry: SystemEntry = {
      bus: SYSTEM_BUS, specversion: '1.0', id: randomUUID(), source: this.#source, type, subject,
      time: new Date(this.#now()).toISOString(), datacontenttype: 'application/json', data,
    };
    const p = this.#put([entry]).then(
      (r) => {
        const failed = (r as { failedCount?: number } | undefined)?.failedCount ?? 0;
        if (failed > 0) this.#onError(new Error(`system event ${type} was refused: ${JSON.stringify(r)}`));
      },
      (err: unknown) => this.#onError(err),
    ).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }
}
