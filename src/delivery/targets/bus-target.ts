import { HOPS_EXTENSION, MAX_HOPS, PATH_EXTENSION, SYSTEM_BUS, type Violation } from '../../core/index.js';
import type { CloudEvent } from '../../events/index.js';
import type { BusPublisher, OutboundMessage, SendOutcome, Target } from '../target.js';

/** The hop limit and its extension attributes are bus policy (src/core/bus-policy.ts). */
export { HOPS_EXTENSION, MAX_HOPS, PATH_EXTENSION };

export function checkBusSpec(t: Readonly<Record<string, unknown>>, path: string, out: Violation[]): void {
  if (typeof t.bus !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(t.bus)) out.push({ path: `${path}/bus`, reason: 'must be a bus name' });
  else if (t.bus === SYSTEM_BUS) out.push({ path: `${path}/bus`, reason: `only Switchyard puts events on "${SYSTEM_BUS}"` });
}

function hopsOf(ev: CloudEvent): number {
  const v = ev.extensions[HOPS_EXTENSION];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function pathOf(ev: CloudEvent): string[] {
  const v = ev.extensions[PATH_EXTENSION];
  return typeof v === 'string' && v !== '' ? v.split(',') : [];
}

/**
 * Puts events on another bus of this server. Loop protection, two layers:
 *
 * - **Visited buses**: each copy carries the buses it was on (`swypath`, plus the bus it is
 *   leaving). A copy is never put back on a bus it has already visited: that message is skipped
 *   and the send still succeeds, with the reason as its note (the attempt's message in the trace) — the
 *   outcome a deduplicating bus gives a copy that returns (docs/delivery.md). Without this, two
 *   buses forwarding to each other with k targets each multiply an event k-fold per hop.
 * - **Hops**: each put increments `swyhops`; an event that would exceed MAX_HOPS (a chain of
 *   more than 8 distinct buses) fails with `rejected`, never retried.
 *
 * The events go to the domain put through the {@link BusPublisher} port, as events (never
 * re-encoded as HTTP): a put the target bus refuses is `rejected` (not retried), a store
 * failure `io` (retried).
 *
 * Raw (non-event) outbounds cannot go on a bus: `config` failure.
 */
export class BusTarget implements Target {
  readonly kind = 'bus';
  readonly #bus: string;
  readonly #publisher: BusPublisher;
  #closed = false;

  constructor(bus: string, publisher: BusPublisher) {
    this.#bus = bus;
    this.#publisher = publisher;
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const duration = (): number => performance.now() - started;
    if (this.#closed) return { type: 'failed', durationMs: 0, errorClass: 'config', message: 'target is closed' };
    if (signal.aborted) return { type: 'failed', durationMs: 0, errorClass: 'network', message: 'aborted' };
    const events: CloudEvent[] = [];
    const skipped: string[] = [];
    for (const m of messages) {
      if (m.outbound.type !== 'event') {
        return { type: 'failed', durationMs: duration(), errorClass: 'config', message: 'a bus target needs events; the transformer produced a raw body' };
      }
      const ev = m.outbound.event;
      const visited = pathOf(ev);
      if (visited[visited.length - 1] !== m.bus) visited.push(m.bus);
      if (visited.includes(this.#bus)) {
        skipped.push(`event ${ev.id} was not put on bus "${this.#bus}": it was there already (${PATH_EXTENSION} ${visited.join(',')}); a rule loop`);
        continue;
      }
      const hops = hopsOf(ev) + 1;
      if (hops > MAX_HOPS) {
        return { type: 'failed', durationMs: duration(), errorClass: 'rejected', message: `event ${ev.id} passed ${MAX_HOPS} buses already (${HOPS_EXTENSION}); a rule loop?` };
      }
      events.push({ ...ev, extensions: { ...ev.extensions, [HOPS_EXTENSION]: hops, [PATH_EXTENSION]: visited.join(',') } });
    }
    const first = messages[0];
    try {
      if (events.length > 0 && first !== undefined) {
        const r = await this.#publisher.publish(this.#bus, events, { bus: first.bus, rule: first.rule, target: first.targetId });
        if (r.type === 'refused') return { type: 'failed', durationMs: duration(), errorClass: 'rejected', message: r.reason };
      }
      return { type: 'delivered', durationMs: duration(), ...(skipped.length === 0 ? {} : { note: skipped.join('\n') }) };
    } catch (err) {
      return { type: 'failed', durationMs: duration(), errorClass: 'io', message: (err as Error).message ?? String(err) };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
