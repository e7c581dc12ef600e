import { SwitchyardError, type Violation } from '../core/index.js';
import {
  decodeHttpRequest, parseEventJson, serializeEvent, eventSize, type CloudEvent, type ContentMode,
} from '../events/index.js';
import { SYSTEM_BUS, type AppendItem, type AppendOutcome, type Store } from '../store/index.js';
import type { EventRouter } from './router.js';
import type { DeliveryPlanner } from './rule-router.js';
import { noValidation, type EventCheck, type EventValidator } from './validator.js';

export interface IngestLimits {
  readonly maxEventBytes: number;
  readonly maxBatchEvents: number;
  readonly maxJsonDepth: number;
}

/** One accepted event of a put over the CloudEvents HTTP binding (DESIGN §8). */
export interface PutResult {
  readonly id: string;
  readonly source: string;
  readonly sequence: number;
  readonly duplicate?: true;
}

/** One entry's result of a PutEvents call: stored (or duplicate) or an error for that entry. */
export type EntryResult =
  | { readonly id: string; readonly source: string; readonly sequence: number; readonly duplicate?: true }
  | { readonly error: { readonly code: string; readonly message: string; readonly violations?: readonly Violation[] } };

export interface HttpPut {
  readonly contentType: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** Where the put came from, kept with each event for its trace (src/observe). */
  readonly origin?: PutOrigin;
}

/** The producer's address and the W3C traceparent header of its request. */
export interface PutOrigin {
  readonly client?: string | undefined;
  readonly traceparent?: string | undefined;
}

/**
 * Told about every committed append (metrics, live tail, spans). Called after the commit, on
 * the put's own turn: it must be cheap and must not throw. `startedAt` is performance.now()
 * when the append was submitted (so now - startedAt is the commit latency).
 */
export interface IngestObserver {
  appended(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], startedAt: number): void;
}

/**
 * The put path: decode → validate → route (match rules) → append, deduplicated, in one
 * group-committed transaction. Resolves only after the commit, so a 2xx means durable.
 */
export class IngestService {
  readonly #store: Store;
  readonly #router: EventRouter;
  readonly #limits: IngestLimits;
  readonly #observer: IngestObserver | undefined;
  readonly #validator: EventValidator;
  readonly #planner: DeliveryPlanner | undefined;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  /** With a `planner`, each event's deliveries (matched rules × targets) are enqueued in its append transaction. */
  constructor(deps: { store: Store; router: EventRouter; limits: IngestLimits; observer?: IngestObserver; validator?: EventValidator; planner?: DeliveryPlanner }) {
    this.#store = deps.store;
    this.#router = deps.router;
    this.#limits = deps.limits;
    this.#observer = deps.observer;
    this.#validator = deps.validator ?? noValidation;
    this.#planner = deps.planner;
  }

  /** Puts the events of one HTTP request (binary, structured or batch) on a bus; all or none. */
  async putHttp(bus: string, req: HttpPut): Promise<{ mode: ContentMode; results: PutResult[] }> {
    if (bus === SYSTEM_BUS) throw systemBusRefused();
    // The bus is checked inside the write transaction (a `rejected` outcome), so the happy path
    // reads the catalog no extra time; a request that fails to decode checks it here so a
    // missing bus answers 404 whatever the body.
    let decoded: ReturnType<typeof decodeHttpRequest>;
    try {
      decoded = decodeHttpRequest(
        { contentType: req.contentType, headers: req.headers, body: req.body },
        { maxEventBytes: this.#limits.maxEventBytes, maxBatchEvents: this.#limits.maxBatchEvents, maxDepth: this.#limits.maxJsonDepth },
      );
    } catch (e) {
      this.#requireBus(bus);
      throw e;
    }
    if (decoded.events.length === 0) this.#requireBus(bus); // an empty batch writes nothing
    // Schema validation (docs/schemas.md): enforce refuses the whole request, listing every
    // violation (prefixed by the batch index); warn stores the events and marks them below.
    const checks = decoded.events.map((ev) => this.#validator.check(bus, ev));
    const refused = checks.flatMap((c, i) => (c?.mode === 'enforce' ? c.violations.map((v) => ({ path: `${decoded.mode === 'batch' ? `/${i}` : ''}${v.path}`, reason: v.reason })) : []));
    if (refused.length > 0) throw new SwitchyardError('SWY_SCHEMA_VALIDATION_FAILED', `event data does not match its schema (${refused.length} violation(s))`, { violations: refused });
    const items = decoded.events.map((ev) => this.#item(bus, ev, decoded.mode, req.origin));
    const outcomes = await this.#append(items);
    this.#markInvalid(items, outcomes, checks);
    const results: PutResult[] = [];
    outcomes.forEach((o, i) => {
      const it = items[i]!;
      if (o.type === 'rejected') throw new SwitchyardError(o.code, o.message);
      results.push(o.type === 'duplicate'
        ? { id: it.id, source: it.source, sequence: o.sequence, duplicate: true }
        : { id: it.id, source: it.source, sequence: o.sequence });
    });
    return { mode: decoded.mode, results };
  }

  /**
   * PutEvents: each entry stands alone; invalid entries fail without failing the others. An
   * entry for the system bus fails with SWY_INGEST_SYSTEM_BUS (see {@link putSystemEntries}).
   */
  putEntries(entries: unknown, origin?: PutOrigin): Promise<{ failedCount: number; results: EntryResult[] }> {
    return this.#putEntries(entries, origin, false);
  }

  /**
   * PutEvents for Switchyard's own events (src/observe/system-events.ts): the one path that may
   * write the system bus. The server hands it to observe only; no route reaches it.
   */
  putSystemEntries(entries: unknown): Promise<{ failedCount: number; results: EntryResult[] }> {
    return this.#putEntries(entries, undefined, true);
  }

  async #putEntries(entries: unknown, origin: PutOrigin | undefined, system: boolean): Promise<{ failedCount: number; results: EntryResult[] }> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > this.#limits.maxBatchEvents) {
      throw new SwitchyardError('SWY_INGEST_INVALID_ENTRIES', `entries must be an array of 1 to ${this.#limits.maxBatchEvents} events`, {
        violations: [{ path: '/entries', reason: Array.isArray(entries) ? `has ${entries.length} entries; allowed 1 to ${this.#limits.maxBatchEvents}` : 'must be an array' }],
      });
    }
    const results: (EntryResult | undefined)[] = new Array(entries.length);
    const items: AppendItem[] = [];
    const slots: number[] = [];
    const checks: (EventCheck | undefined)[] = [];
    entries.forEach((entry, i) => {
      const path = `/entries/${i}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        results[i] = { error: { code: 'SWY_INGEST_INVALID_ENTRIES', message: `${path} must be a JSON object` } };
        return;
      }
      const { bus: rawBus, ...fields } = entry as Record<string, unknown>;
      const bus = rawBus === undefined ? 'default' : rawBus;
      if (bus === SYSTEM_BUS && !system) {
        const e = systemBusRefused();
        results[i] = { error: { code: e.code, message: e.message } };
        return;
      }
      if (typeof bus !== 'string' || this.#store.buses.get(bus) === undefined) {
        results[i] = { error: { code: 'SWY_STORE_BUS_NOT_FOUND', message: `bus ${JSON.stringify(bus)} does not exist` } };
        return;
      }
      const parsed = parseEventJson(fields, { path });
      if (!parsed.ok) {
        results[i] = { error: { code: 'SWY_EVENT_INVALID', message: parsed.violations.map((v) => `${v.path}: ${v.reason}`).join('; '), violations: parsed.violations } };
        return;
      }
      const size = eventSize(parsed.event);
      if (size > this.#limits.maxEventBytes) {
        results[i] = { error: { code: 'SWY_EVENT_TOO_LARGE', message: `event is ${size} bytes; the limit is ${this.#limits.maxEventBytes}` } };
        return;
      }
      const check = this.#validator.check(bus, parsed.event);
      if (check?.mode === 'enforce' && check.violations.length > 0) {
        const violations = check.violations.map((v) => ({ path: `${path}${v.path}`, reason: v.reason }));
        results[i] = { error: { code: 'SWY_SCHEMA_VALIDATION_FAILED', message: violations.map((v) => `${v.path}: ${v.reason}`).join('; '), violations } };
        return;
      }
      items.push(this.#item(bus, parsed.event, 'put-events', origin));
      slots.push(i);
      checks.push(check);
    });
    const outcomes = items.length === 0 ? [] : await this.#append(items);
    this.#markInvalid(items, outcomes, checks);
    outcomes.forEach((o, k) => {
      const it = items[k]!;
      results[slots[k]!] = o.type === 'rejected'
        ? { error: { code: o.code, message: o.message } }
        : { id: it.id, source: it.source, sequence: o.sequence, ...(o.type === 'duplicate' ? { duplicate: true as const } : {}) };
    });
    const final = results as EntryResult[];
    return { failedCount: final.filter((r) => 'error' in r).length, results: final };
  }

  /** Resolves when no put is between decode and commit (for graceful shutdown). */
  drain(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #requireBus(bus: string): void {
    if (this.#store.buses.get(bus) === undefined) {
      throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    }
  }

  /**
   * Marks stored events that broke their schema in warn mode. Runs after the commit, in its
   * own small write: the events are durable whatever happens here, so a failure to mark loses
   * only the mark, never the event (and must not turn the 2xx into an error).
   */
  #markInvalid(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], checks: readonly (EventCheck | undefined)[]): void {
    outcomes.forEach((o, k) => {
      const c = checks[k];
      if (c === undefined || c.mode !== 'warn' || c.violations.length === 0 || o.type !== 'stored') return;
      try {
        this.#store.schemas.markInvalid({ bus: items[k]!.bus, sequence: o.sequence, schema: c.schema ?? '', violations: c.violations });
      } catch {
        // Deliberately ignored: see above.
      }
    });
  }

  #item(bus: string, ev: CloudEvent, mode: ContentMode, origin?: PutOrigin): AppendItem {
    const body = serializeEvent(ev);
    const matchedRules = this.#router.route(bus, ev, body);
    return {
      bus,
      id: ev.id,
      source: ev.source,
      type: ev.type,
      subject: ev.subject,
      time: ev.time,
      body,
      size: eventSize(ev),
      mode,
      matchedRules,
      deliveries: this.#planner === undefined || matchedRules.length === 0 ? undefined : this.#planner.deliveries(bus, matchedRules, ev),
      client: origin?.client,
      traceparent: origin?.traceparent,
    };
  }

  async #append(items: AppendItem[]): Promise<AppendOutcome[]> {
    this.#inFlight++;
    try {
      const startedAt = this.#observer === undefined ? 0 : performance.now();
      const outcomes = await this.#store.events.append(items);
      this.#observer?.appended(items, outcomes, startedAt);
      return outcomes;
    } catch (cause) {
      throw new SwitchyardError('SWY_INGEST_STORE_FAILED', 'the events could not be stored; retry', { cause });
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) {
        const idle = this.#idle;
        this.#idle = [];
        for (const f of idle) f();
      }
    }
  }
}

function systemBusRefused(): SwitchyardError {
  return new SwitchyardError('SWY_INGEST_SYSTEM_BUS', `only Switchyard puts events on "${SYSTEM_BUS}"; put yours on another bus`);
}
