import { isSwitchyardError, type Violation } from '../../core/index.js';
import type { CloudEvent } from '../../events/index.js';
import { SYSTEM_BUS } from '../../store/index.js';
import type { BusWriter, OutboundMessage, SendOutcome, Target } from '../target.js';

/** The extension attribute counting how many bus targets an event has passed through. */
export const HOPS_EXTENSION = 'swyhops';
/** An event that already made this many hops is refused (a rule loop between buses). */
export const MAX_HOPS = 8;

export function checkBusSpec(t: Readonly<Record<string, unknown>>, path: string, out: Violation[]): void {
  if (typeof t.bus !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(t.bus)) out.push({ path: `${path}/bus`, reason: 'must be a bus name' });
  else if (t.bus === SYSTEM_BUS) out.push({ path: `${path}/bus`, reason: `only Switchyard puts events on "${SYSTEM_BUS}"` });
}

function hopsOf(ev: CloudEvent): number {
  const v = ev.extensions[HOPS_EXTENSION];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * Puts events on another bus of this server. Loop protection: each put increments the
 * `swyhops` extension; an event that would exceed MAX_HOPS fails with `rejected` (never
 * retried) — so rules that forward between buses in a cycle stop after 8 hops instead of
 * circulating forever. Raw (non-event) outbounds cannot go on a bus: `config` failure.
 */
export class BusTarget implements Target {
  readonly kind = 'bus';
  readonly #bus: string;
  readonly #writer: BusWriter;
  #closed = false;

  constructor(bus: string, writer: BusWriter) {
    this.#bus = bus;
    this.#writer = writer;
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const duration = (): number => performance.now() - started;
    if (this.#closed) return { type: 'failed', durationMs: 0, errorClass: 'config', message: 'target is closed' };
    if (signal.aborted) return { type: 'failed', durationMs: 0, errorClass: 'network', message: 'aborted' };
    const events: CloudEvent[] = [];
    for (const m of messages) {
      if (m.outbound.type !== 'event') {
        return { type: 'failed', durationMs: duration(), errorClass: 'config', message: 'a bus target needs events; the transformer produced a raw body' };
      }
      const ev = m.outbound.event;
      const hops = hopsOf(ev) + 1;
      if (hops > MAX_HOPS) {
        return { type: 'failed', durationMs: duration(), errorClass: 'rejected', message: `event ${ev.id} passed ${MAX_HOPS} buses already (${HOPS_EXTENSION}); a rule loop?` };
      }
      events.push({ ...ev, extensions: { ...ev.extensions, [HOPS_EXTENSION]: hops } });
    }
    try {
      await this.#writer.put(this.#bus, events);
      return { type: 'delivered', durationMs: duration() };
    } catch (err) {
      const rejected = isSwitchyardError(err) && err.status >= 400 && err.status < 500;
      return { type: 'failed', durationMs: duration(), errorClass: rejected ? 'rejected' : 'io', message: (err as Error).message ?? String(err) };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
