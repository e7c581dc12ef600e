import { DEFAULT_BUS, SwitchyardError, type ErrorCode, type Violation } from '../core/index.js';
import {
  decodeHttpRequest, parseEventJson, serializeEvent, eventSize, valueDepth, type CloudEvent, type ContentMode,
} from '../events/index.js';
import { SYSTEM_BUS, type AppendItem, type AppendOutcome, type BusDirectory, type Store } from '../store/index.js';
import { recordedOrigin, type HttpClient, type PutOrigin, type RecordedOrigin } from './put-origin.js';
import type { PutOptions, PutOutcome } from './put-outcome.js';
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
  /** The producer's address and traceparent, kept with each event for its trace (src/observe). */
  readonly client?: HttpClient;
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
 * The put path. {@link put} is the one domain entry: validate (limits, schema) → dedupe →
 * match rules → append with the deliveries, in one group-committed transaction; it resolves
 * only after the commit, so a stored outcome means durable. `putHttp` and `putEntries` decode a
 * wire format and call it; bus targets and system events call it directly.
 */
const EMPTY: ReadonlySet<string> = new Set();

export class IngestService {
  readonly #store: Store;
  readonly #buses: BusDirectory;
  readonly #router: EventRouter;
  readonly #limits: IngestLimits;
  readonly #observer: IngestObserver | undefined;
  readonly #validator: EventValidator;
  readonly #planner: DeliveryPlanner | undefined;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  /** With a `planner`, each event's deliveries (matched rules × targets) are enqueued in its append transaction. */
  /**
   * `buses` is the store's bus directory (CatalogView): the per-entry bus checks of `putEntries`
   * read it instead of awaiting the catalog; a bus it does not know (yet) is asked of the catalog.
   */
  constructor(deps: { store: Store; buses: BusDirectory; router: EventRouter; limits: IngestLimits; observer?: IngestObserver; validator?: EventValidator; planner?: DeliveryPlanner }) {
    this.#store = deps.store;
    this.#buses = deps.buses;
    this.#router = deps.router;
    this.#limits = deps.limits;
    this.#observer = deps.observer;
    this.#validator = deps.validator ?? noValidation;
    this.#planner = deps.planner;
  }

  /**
   * Puts decoded events on one bus and returns what became of each (in order). Throws only for
   * the put as a whole: SWY_INGEST_SYSTEM_BUS (the system bus, from any origin but `system`),
   * SWY_STORE_BUS_NOT_FOUND (an empty put on a missing bus), SWY_INGEST_STORE_FAILED.
   *
   * Events from the HTTP decoders were checked against the size and depth limits there; events
   * from other origins (built in code) are checked here.
   *
   * @example
   * const [o] = await ingest.put('orders', [createEvent({ id: '1', source: '/s', type: 't' })], { kind: 'system' });
   * // o → { type: 'stored', id: '1', source: '/s', sequence: 1 }
   */
  async put(bus: string, events: readonly CloudEvent[], origin: PutOrigin, options: PutOptions = {}): Promise<PutOutcome[]> {
    if (bus === SYSTEM_BUS && origin.kind !== 'system') throw systemBusRefused();
    const n = events.length;
    if (n === 0) {
      await this.#requireBus(bus);
      return [];
    }
    const outcomes: PutOutcome[] = new Array(n);
    const checks: (EventCheck | undefined)[] = new Array(n);
    const sizes: number[] = new Array(n);
    const decoded = origin.kind === 'http';
    let refused = 0;
    for (let i = 0; i < n; i++) {
      const ev = events[i]!;
      const size = eventSize(ev);
      sizes[i] = size;
      const problem = decoded ? undefined : this.#limitProblem(ev, size);
      const check = problem === undefined ? this.#validator.check(bus, ev) : undefined;
      checks[i] = check;
      if (problem !== undefined) {
        outcomes[i] = { type: 'refused', id: ev.id, source: ev.source, ...problem };
        refused++;
      } else if (check?.mode === 'enforce' && check.violations.length > 0) {
        outcomes[i] = {
          type: 'refused', id: ev.id, source: ev.source, code: 'SWY_SCHEMA_VALIDATION_FAILED',
          message: check.violations.map((v) => `${v.path}: ${v.reason}`).join('; '), violations: check.violations,
        };
        refused++;
      }
    }
    if (refused > 0 && options.atomic === true) {
      for (let i = 0; i < n; i++) outcomes[i] ??= { type: 'withheld', id: events[i]!.id, source: events[i]!.source };
      return outcomes;
    }
    if (refused === n) return outcomes;
    const recorded = recordedOrigin(origin);
    // The common case, nothing refused: items are the events in order, no slot bookkeeping.
    let items: AppendItem[];
    let slots: number[] | undefined;
    let kept = checks;
    if (refused === 0) {
      items = new Array(n);
      for (let i = 0; i < n; i++) items[i] = this.#item(bus, events[i]!, sizes[i]!, recorded);
    } else {
      items = [];
      slots = [];
      kept = [];
      for (let i = 0; i < n; i++) {
        if (outcomes[i] !== undefined) continue;
        items.push(this.#item(bus, events[i]!, sizes[i]!, recorded));
        slots.push(i);
        kept.push(checks[i]);
      }
    }
    const appended = await this.#append(items);
    const marking = this.#markInvalid(items, appended, kept);
    if (marking !== undefined) await marking;
    for (let k = 0; k < appended.length; k++) {
      const o = appended[k]!;
      const it = items[k]!;
      outcomes[slots === undefined ? k : slots[k]!] = o.type === 'rejected'
        ? { type: 'refused', id: it.id, source: it.source, code: o.code, message: o.message }
        : { type: o.type, id: it.id, source: it.source, sequence: o.sequence };
    }
    return outcomes;
  }

  /** Puts the events of one HTTP request (binary, structured or batch) on a bus; all or none. */
  async putHttp(bus: string, req: HttpPut): Promise<{ mode: ContentMode; results: PutResult[] }> {
    if (bus === SYSTEM_BUS) throw systemBusRefused();
    // The bus is checked inside the write transaction (a `refused` outcome), so the happy path
    // reads the catalog no extra time; a request that fails to decode checks it here so a
    // missing bus answers 404 whatever the body.
    let decoded: ReturnType<typeof decodeHttpRequest>;
    try {
      decoded = decodeHttpRequest(
        { contentType: req.contentType, headers: req.headers, body: req.body },
        { maxEventBytes: this.#limits.maxEventBytes, maxBatchEvents: this.#limits.maxBatchEvents, maxDepth: this.#limits.maxJsonDepth },
      );
    } catch (e) {
      await this.#requireBus(bus);
      throw e;
    }
    const mode = decoded.mode;
    const outcomes = await this.put(bus, decoded.events, { kind: 'http', mode, client: req.client?.client, traceparent: req.client?.traceparent }, { atomic: true });
    const results: PutResult[] = new Array(outcomes.length);
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      if (o.type === 'stored') results[i] = { id: o.id, source: o.source, sequence: o.sequence };
      else if (o.type === 'duplicate') results[i] = { id: o.id, source: o.source, sequence: o.sequence, duplicate: true };
      else throw refusal(outcomes, mode === 'batch');
    }
    return { mode, results };
  }

  /**
   * PutEvents: each entry stands alone; invalid entries fail without failing the others. An
   * entry for the system bus fails with SWY_INGEST_SYSTEM_BUS.
   */
  async putEntries(entries: unknown, client?: HttpClient): Promise<{ failedCount: number; results: EntryResult[] }> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > this.#limits.maxBatchEvents) {
      throw new SwitchyardError('SWY_INGEST_INVALID_ENTRIES', `entries must be an array of 1 to ${this.#limits.maxBatchEvents} events`, {
        violations: [{ path: '/entries', reason: Array.isArray(entries) ? `has ${entries.length} entries; allowed 1 to ${this.#limits.maxBatchEvents}` : 'must be an array' }],
      });
    }
    const results: EntryResult[] = new Array(entries.length);
    const confirmed = await this.#busesOutsideDirectory(entries);
    const byBus = new Map<string, { events: CloudEvent[]; slots: number[] }>();
    entries.forEach((entry, i) => {
      const path = `/entries/${i}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        results[i] = { error: { code: 'SWY_INGEST_INVALID_ENTRIES', message: `${path} must be a JSON object` } };
        return;
      }
      const { bus: rawBus, ...fields } = entry as Record<string, unknown>;
      const bus = rawBus === undefined ? DEFAULT_BUS : rawBus;
      if (bus === SYSTEM_BUS) {
        const e = systemBusRefused();
        results[i] = { error: { code: e.code, message: e.message } };
        return;
      }
      if (typeof bus !== 'string' || (this.#buses.bus(bus) === undefined && !confirmed.has(bus))) {
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
      let group = byBus.get(bus);
      if (group === undefined) byBus.set(bus, (group = { events: [], slots: [] }));
      group.events.push(parsed.event);
      group.slots.push(i);
    });
    const origin: PutOrigin = { kind: 'http', mode: 'put-events', client: client?.client, traceparent: client?.traceparent };
    await Promise.all([...byBus].map(async ([bus, g]) => {
      const outcomes = await this.put(bus, g.events, origin);
      outcomes.forEach((o, k) => {
        results[g.slots[k]!] = entryResult(o, `/entries/${g.slots[k]!}`);
      });
    }));
    return { failedCount: results.filter((r) => 'error' in r).length, results };
  }

  /** Resolves when no put is between decode and commit (for graceful shutdown). */
  drain(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** An error path (nothing to append): the catalog is asked, not the directory. */
  async #requireBus(bus: string): Promise<void> {
    if (await this.#store.catalog.buses.get(bus) === undefined) {
      throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    }
  }

  /**
   * The buses named by entries that the directory does not know but the catalog has: created so
   * recently that the directory has not applied the change yet. Asks nothing when the directory
   * knows every bus named (the common case).
   */
  async #busesOutsideDirectory(entries: readonly unknown[]): Promise<ReadonlySet<string>> {
    let unknown: Set<string> | undefined;
    for (const e of entries) {
      if (typeof e !== 'object' || e === null) continue;
      const b = (e as { bus?: unknown }).bus ?? DEFAULT_BUS;
      if (typeof b === 'string' && b !== SYSTEM_BUS && this.#buses.bus(b) === undefined) (unknown ??= new Set()).add(b);
    }
    if (unknown === undefined) return EMPTY;
    const found = await Promise.all([...unknown].map(async (b) => (await this.#store.catalog.buses.get(b)) === undefined ? undefined : b));
    return new Set(found.filter((b) => b !== undefined));
  }

  /** The size and depth limits the HTTP decoders enforce, for events built in code. */
  #limitProblem(ev: CloudEvent, size: number): { code: ErrorCode; message: string } | undefined {
    if (size > this.#limits.maxEventBytes) return { code: 'SWY_EVENT_TOO_LARGE', message: `event is ${size} bytes; the limit is ${this.#limits.maxEventBytes}` };
    // The event object is level 1, so its data may nest one level less than the limit.
    if (ev.data.kind === 'json' && valueDepth(ev.data.value, this.#limits.maxJsonDepth) >= this.#limits.maxJsonDepth) {
      return { code: 'SWY_EVENT_TOO_DEEP', message: `event data nests deeper than ${this.#limits.maxJsonDepth - 1} levels` };
    }
    return undefined;
  }

  /**
   * Marks stored events that broke their schema in warn mode. Runs after the commit, in its
   * own small write: the events are durable whatever happens here, so a failure to mark loses
   * only the mark, never the event (and must not turn the 2xx into an error).
   */
  #markInvalid(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], checks: readonly (EventCheck | undefined)[]): Promise<unknown> | undefined {
    let marks: Promise<void>[] | undefined;
    outcomes.forEach((o, k) => {
      const c = checks[k];
      if (c === undefined || c.mode !== 'warn' || c.violations.length === 0 || o.type !== 'stored') return;
      // A failure is deliberately ignored: see above.
      (marks ??= []).push(this.#store.catalog.schemas.markInvalid({ bus: items[k]!.bus, sequence: o.sequence, schema: c.schema ?? '', violations: c.violations }).catch(() => undefined));
    });
    // Undefined when there is nothing to mark: the put awaits nothing more.
    return marks === undefined ? undefined : Promise.all(marks);
  }

  #item(bus: string, ev: CloudEvent, size: number, origin: RecordedOrigin): AppendItem {
    // The one serialisation of the put path: the stored body, matched against and delivered from.
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
      size,
      mode: origin.mode,
      matchedRules,
      deliveries: this.#planner === undefined || matchedRules.length === 0 ? undefined : this.#planner.deliveries(bus, matchedRules, ev),
      client: origin.client,
      traceparent: origin.traceparent,
      ...(origin.via === undefined ? {} : { via: origin.via }),
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

/**
 * The error of an atomic HTTP put that was refused: every schema violation of the request (paths
 * prefixed by the batch index), or the first other refusal.
 */
function refusal(outcomes: readonly PutOutcome[], batch: boolean): SwitchyardError {
  const violations: Violation[] = [];
  let other: { code: ErrorCode; message: string } | undefined;
  outcomes.forEach((o, i) => {
    if (o.type !== 'refused') return;
    if (o.code === 'SWY_SCHEMA_VALIDATION_FAILED') {
      for (const v of o.violations ?? []) violations.push({ path: `${batch ? `/${i}` : ''}${v.path}`, reason: v.reason });
    } else {
      other ??= o;
    }
  });
  if (other !== undefined) return new SwitchyardError(other.code, other.message);
  return new SwitchyardError('SWY_SCHEMA_VALIDATION_FAILED', `event data does not match its schema (${violations.length} violation(s))`, { violations });
}

function entryResult(o: PutOutcome, path: string): EntryResult {
  switch (o.type) {
    case 'stored':
      return { id: o.id, source: o.source, sequence: o.sequence };
    case 'duplicate':
      return { id: o.id, source: o.source, sequence: o.sequence, duplicate: true };
    case 'refused': {
      if (o.violations === undefined) return { error: { code: o.code, message: o.message } };
      const violations = o.violations.map((v) => ({ path: `${path}${v.path}`, reason: v.reason }));
      return { error: { code: o.code, message: violations.map((v) => `${v.path}: ${v.reason}`).join('; '), violations } };
    }
    case 'withheld': // PutEvents entries stand alone (not an atomic put): never withheld
      return { error: { code: 'SWY_INGEST_INVALID_ENTRIES', message: 'not stored: another entry of the put was refused' } };
  }
}
