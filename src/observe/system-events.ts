import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../core/index.js';
import { SYSTEM_BUS } from '../core/index.js';
import { createEvent, type CloudEvent } from '../events/index.js';
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
  sourceFailing: 'switchyard.source.failing',
  sourceRecovered: 'switchyard.source.recovered',
} as const;

/**
 * Puts system events on the system bus: a port owned by observe, which the server wires to the
 * domain put (IngestService.put, origin `system`: the one origin that may write that bus).
 * Resolves with the reason of each event the bus refused; rejects when the store failed.
 */
export interface SystemPublisher {
  publish(events: readonly CloudEvent[]): Promise<{ readonly refused: readonly string[] }>;
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
  readonly #publisher: SystemPublisher;
  readonly #onError: (err: unknown) => void;
  readonly #source: string;
  readonly #now: () => number;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(deps: { publisher: SystemPublisher; onError: (err: unknown) => void; source?: string; now?: () => number }) {
    this.#publisher = deps.publisher;
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

  /** An event source started failing (with its error) or recovered (src/sources). */
  sourceHealth(source: { readonly name: string; readonly kind: string; readonly bus: string }, state: 'failing' | 'recovered', error?: string): void {
    this.#publish(state === 'failing' ? SYSTEM_EVENT_TYPES.sourceFailing : SYSTEM_EVENT_TYPES.sourceRecovered, `sources/${source.name}`, {
      source: source.name, kind: source.kind, bus: source.bus, ...(error === undefined ? {} : { error }),
    });
  }

  /** Waits for every publish still in flight (graceful shutdown, tests). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #publish(type: string, subject: string, data: Record<string, JsonValue>): void {
    let event: CloudEvent;
    try {
      event = createEvent({
        id: randomUUID(), source: this.#source, type, subject, time: new Date(this.#now()).toISOString(),
        datacontenttype: 'application/json', data: { kind: 'json', value: data },
      });
    } catch (err) {
      this.#onError(err);
      return;
    }
    const p = this.#publisher.publish([event]).then(
      (r) => {
        if (r.refused.length > 0) this.#onError(new Error(`system event ${type} was refused: ${r.refused.join('; ')}`));
      },
      (err: unknown) => this.#onError(err),
    ).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }
}
