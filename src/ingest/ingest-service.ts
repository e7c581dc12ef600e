import { DEFAULT_BUS, SwitchyardError, systemClock, type Clock, type ErrorCode, type Violation } from '../core/index.js';
import {
  decodeHttpRequest, parseEventJson, serializeEvent, eventSize, valueDepth, type CloudEvent, type ContentMode,
} from '../events/index.js';
import { SYSTEM_BUS, type AppendItem, type AppendOutcome, type BusDirectory, type HeldEvent, type HoldOutcome, type Store } from '../store/index.js';
import { recordedOrigin, type HttpClient, type PutOrigin, type RecordedOrigin } from './put-origin.js';
import type { PutOptions, PutOutcome } from './put-outcome.js';
import type { EventRouter } from './router.js';
import type { DeliveryPlanner } from './rule-router.js';
import { noValidation, type EventCheck, type EventValidator } from './validator.js';
import { DELIVER_AT, checkDelayMs, checkDeliverAt, withDeliverAt } from './delay.js';

/** Names the archives of a bus an event (its JSON-format text) goes to; undefined for none (src/streams ArchiveRouter). */
export interface ArchiveMatcher {
  route(bus: string, text: string): readonly string[] | undefined;
}

export interface IngestLimits {
  readonly maxEventBytes: number;
  readonly maxBatchEvents: number;
  readonly maxJsonDepth: number;
  /** Longest delay of an event's deliveries (config ingest.maxDelayMs); 7 days when absent. */
  readonly maxDelayMs?: number;
  /** Most events one transaction holds (config transactions.maxEvents); 10,000 when absent. */
  readonly maxTransactionEvents?: number;
}

const DEFAULT_MAX_DELAY_MS = 7 * 24 * 3600 * 1000;

/** One accepted event of a put over the CloudEvents HTTP binding (DESIGN §8); `transaction` when held in one (no sequence yet). */
export type PutResult =
  | { readonly id: string; readonly source: string; readonly sequence: number; readonly duplicate?: true }
  | { readonly id: string; readonly source: string; readonly transaction: string };

/** One entry's result of a PutEvents call: stored (or duplicate) or an error for that entry. */
export type EntryResult =
  | { readonly id: string; readonly source: string; readonly sequence: number; readonly duplicate?: true }
  | { readonly id: string; readonly source: string; readonly transaction: string }
  | { readonly error: { readonly code: string; readonly message: string; readonly violations?: readonly Violation[] } };

export interface HttpPut {
  readonly contentType: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The producer's address and traceparent, kept with each event for its trace (src/observe). */
  readonly client?: HttpClient;
  /** Put the events into this open transaction of the bus (PutOptions.transaction). */
  readonly transaction?: string;
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
const ATOMIC: PutOptions = { atomic: true };
const DEFAULT_MAX_TRANSACTION_EVENTS = 10_000;

export class IngestService {
  readonly #store: Store;
  readonly #buses: BusDirectory;
  readonly #router: EventRouter;
  readonly #limits: IngestLimits;
  readonly #observer: IngestObserver | undefined;
  readonly #validator: EventValidator;
  readonly #planner: DeliveryPlanner | undefined;
  readonly #archives: ArchiveMatcher | undefined;
  readonly #clock: Clock;
  readonly #maxDelayMs: number;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  /** With a `planner`, each event's deliveries (matched rules × targets) are enqueued in its append transaction. */
  /**
   * `buses` is the store's bus directory (CatalogView): the per-entry bus checks of `putEntries`
   * read it instead of awaiting the catalog; a bus it does not know (yet) is asked of the catalog.
   */
  constructor(deps: { store: Store; buses: BusDirectory; router: EventRouter; limits: IngestLimits; observer?: IngestObserver; validator?: EventValidator; planner?: DeliveryPlanner; archives?: ArchiveMatcher; clock?: Clock }) {
    this.#store = deps.store;
    this.#buses = deps.buses;
    this.#router = deps.router;
    this.#limits = deps.limits;
    this.#observer = deps.observer;
    this.#validator = deps.validator ?? noValidation;
    this.#planner = deps.planner;
    this.#archives = deps.archives;
    this.#clock = deps.clock ?? systemClock;
    this.#maxDelayMs = deps.limits.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
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
    // Due times of delayed events (the `deliverat` extension), allocated only when one is.
    let dueAts: (number | undefined)[] | undefined;
    let refused = 0;
    for (let i = 0; i < n; i++) {
      const ev = events[i]!;
      const size = eventSize(ev);
      sizes[i] = size;
      let problem: Refusal | undefined = decoded ? undefined : this.#limitProblem(ev, size);
      const delay = ev.extensions[DELIVER_AT];
      if (delay !== undefined && problem === undefined && options.ignoreDelay !== true) {
        const d = checkDeliverAt(delay, this.#clock.now(), this.#maxDelayFor(bus));
        if (d.ok) (dueAts ??= new Array<number | undefined>(n))[i] = d.at;
        else problem = { code: 'SWY_INGEST_INVALID_DELAY', message: d.reason, violations: [{ path: `/${DELIVER_AT}`, reason: d.reason }] };
      }
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
    if (options.transaction !== undefined) return this.#hold(bus, options.transaction, events, sizes, recorded, outcomes);
    // The common case, nothing refused: items are the events in order, no slot bookkeeping.
    let items: AppendItem[];
    let slots: number[] | undefined;
    let kept = checks;
    if (refused === 0) {
      items = new Array(n);
      for (let i = 0; i < n; i++) items[i] = this.#item(bus, events[i]!, sizes[i]!, recorded, dueAts?.[i]);
    } else {
      items = [];
      slots = [];
      kept = [];
      for (let i = 0; i < n; i++) {
        if (outcomes[i] !== undefined) continue;
        items.push(this.#item(bus, events[i]!, sizes[i]!, recorded, dueAts?.[i]));
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
    const origin: PutOrigin = { kind: 'http', mode, client: req.client?.client, traceparent: req.client?.traceparent };
    const outcomes = await this.put(bus, decoded.events, origin, req.transaction === undefined ? ATOMIC : { atomic: true, transaction: req.transaction });
    const results: PutResult[] = new Array(outcomes.length);
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      if (o.type === 'stored') results[i] = { id: o.id, source: o.source, sequence: o.sequence };
      else if (o.type === 'duplicate') results[i] = { id: o.id, source: o.source, sequence: o.sequence, duplicate: true };
      else if (o.type === 'held') results[i] = { id: o.id, source: o.source, transaction: o.transaction };
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
    // Entries by bus (and transaction: each one's put holds all or none of its entries).
    const byBus = new Map<string, { bus: string; transaction: string | undefined; events: CloudEvent[]; slots: number[] }>();
    entries.forEach((entry, i) => {
      const path = `/entries/${i}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        results[i] = { error: { code: 'SWY_INGEST_INVALID_ENTRIES', message: `${path} must be a JSON object` } };
        return;
      }
      const { bus: rawBus, delayMs, transaction, ...fields } = entry as Record<string, unknown>;
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
      if (transaction !== undefined && (typeof transaction !== 'string' || transaction === '')) {
        results[i] = { error: { code: 'SWY_INGEST_INVALID_ENTRIES', message: `${path}/transaction must be a transaction id`, violations: [{ path: `${path}/transaction`, reason: 'must be a non-empty string' }] } };
        return;
      }
      const parsed = parseEventJson(fields, { path });
      if (!parsed.ok) {
        results[i] = { error: { code: 'SWY_EVENT_INVALID', message: parsed.violations.map((v) => `${v.path}: ${v.reason}`).join('; '), violations: parsed.violations } };
        return;
      }
      let ev = parsed.event;
      if (delayMs !== undefined) {
        const d = ev.extensions[DELIVER_AT] !== undefined
          ? { ok: false as const, reason: `give ${DELIVER_AT} or delayMs, not both` }
          : checkDelayMs(delayMs, this.#maxDelayMs);
        if (!d.ok) {
          results[i] = { error: { code: 'SWY_INGEST_INVALID_DELAY', message: d.reason, violations: [{ path: `${path}/delayMs`, reason: d.reason }] } };
          return;
        }
        ev = withDeliverAt(ev, this.#clock.now() + d.ms);
      }
      const size = eventSize(ev);
      if (size > this.#limits.maxEventBytes) {
        results[i] = { error: { code: 'SWY_EVENT_TOO_LARGE', message: `event is ${size} bytes; the limit is ${this.#limits.maxEventBytes}` } };
        return;
      }
      const key = transaction === undefined ? bus : `${bus}\u0000${transaction as string}`;
      let group = byBus.get(key);
      if (group === undefined) byBus.set(key, (group = { bus, transaction: transaction as string | undefined, events: [], slots: [] }));
      group.events.push(ev);
      group.slots.push(i);
    });
    const origin: PutOrigin = { kind: 'http', mode: 'put-events', client: client?.client, traceparent: client?.traceparent };
    await Promise.all([...byBus.values()].map(async (g) => {
      let outcomes: PutOutcome[];
      try {
        outcomes = await this.put(g.bus, g.events, origin, g.transaction === undefined ? {} : { transaction: g.transaction });
      } catch (e) {
        // A transaction's refusal (unknown, ended, full) fails its entries, not the request.
        if (g.transaction === undefined || !(e instanceof SwitchyardError) || e.status >= 500) throw e;
        for (const i of g.slots) results[i] = { error: { code: e.code, message: e.message } };
        return;
      }
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

  /** The longest delay on a bus: the configured one, and never past the bus's retention age. */
  #maxDelayFor(bus: string): number {
    const age = this.#buses.bus(bus)?.retention.maxAgeMs ?? null;
    return age === null ? this.#maxDelayMs : Math.min(this.#maxDelayMs, age);
  }

  /** The size and depth limits the HTTP decoders enforce, for events built in code. */
  #limitProblem(ev: CloudEvent, size: number): Refusal | undefined {
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

  #item(bus: string, ev: CloudEvent, size: number, origin: RecordedOrigin, deliverAt: number | undefined): AppendItem {
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
      archives: this.#archives?.route(bus, body),
      deliverAt,
      ...(origin.via === undefined ? {} : { via: origin.via }),
    };
  }

  /** Puts the events not refused into an open transaction (all or none); the put fails as a whole when it cannot. */
  async #hold(bus: string, transaction: string, events: readonly CloudEvent[], sizes: readonly number[], origin: RecordedOrigin, outcomes: PutOutcome[]): Promise<PutOutcome[]> {
    const held: HeldEvent[] = [];
    const slots: number[] = [];
    for (let i = 0; i < events.length; i++) {
      if (outcomes[i] !== undefined) continue;
      const ev = events[i]!;
      held.push({
        id: ev.id, source: ev.source, type: ev.type, subject: ev.subject, time: ev.time, body: serializeEvent(ev), size: sizes[i]!,
        mode: origin.mode, client: origin.client, traceparent: origin.traceparent,
      });
      slots.push(i);
    }
    let r: HoldOutcome;
    this.#inFlight++;
    try {
      r = await this.#store.transactions.hold(bus, transaction, held, this.#limits.maxTransactionEvents ?? DEFAULT_MAX_TRANSACTION_EVENTS);
    } catch (cause) {
      throw new SwitchyardError('SWY_INGEST_STORE_FAILED', 'the events could not be stored; retry', { cause });
    } finally {
      this.#settled();
    }
    switch (r.type) {
      case 'not-found':
        throw transactionNotFound(bus, transaction);
      case 'closed':
        throw new SwitchyardError('SWY_INGEST_TX_CLOSED', `transaction "${transaction}" is ${r.state}; it takes no more events`);
      case 'full':
        throw new SwitchyardError('SWY_INGEST_TX_FULL', `transaction "${transaction}" holds ${r.events} event(s); ${held.length} more would pass the limit of ${this.#limits.maxTransactionEvents ?? DEFAULT_MAX_TRANSACTION_EVENTS}`);
      case 'held':
        slots.forEach((i) => {
          outcomes[i] = { type: 'held', id: events[i]!.id, source: events[i]!.source, transaction };
        });
        return outcomes;
    }
  }

  #settled(): void {
    this.#inFlight--;
    if (this.#inFlight === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const f of idle) f();
    }
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
      this.#settled();
    }
  }
}

/** Why an event of a put is refused before it reaches the store. */
interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly violations?: readonly Violation[];
}

/** SWY_INGEST_TX_NOT_FOUND for a transaction id on a bus. */
export function transactionNotFound(bus: string, id: string): SwitchyardError {
  return new SwitchyardError('SWY_INGEST_TX_NOT_FOUND', `no transaction "${id}" on bus "${bus}"`);
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
  let other: { code: ErrorCode; message: string; violations?: readonly Violation[] | undefined } | undefined;
  outcomes.forEach((o, i) => {
    if (o.type !== 'refused') return;
    const prefix = batch ? `/${i}` : '';
    if (o.code === 'SWY_SCHEMA_VALIDATION_FAILED') {
      for (const v of o.violations ?? []) violations.push({ path: `${prefix}${v.path}`, reason: v.reason });
    } else {
      other ??= { code: o.code, message: o.message, violations: o.violations?.map((v) => ({ path: `${prefix}${v.path}`, reason: v.reason })) };
    }
  });
  if (other !== undefined) return new SwitchyardError(other.code, other.message, other.violations === undefined ? undefined : { violations: other.violations });
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
    case 'held':
      return { id: o.id, source: o.source, transaction: o.transaction };
    case 'withheld': // PutEvents entries stand alone (not an atomic put): never withheld
      return { error: { code: 'SWY_INGEST_INVALID_ENTRIES', message: 'not stored: another entry of the put was refused' } };
  }
}
