import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** One event source's counters and health, as the per-source series show them. */
export interface SourceMetrics {
  readonly name: string;
  readonly kind: string;
  readonly bus: string;
  readonly counts: { readonly received: number; readonly put: number; readonly rejected: number };
  readonly failing: boolean;
}
import { FastCounter, FastHistogram } from './fast-metrics.js';
import type { AppendItem, AppendOutcome } from '../store/index.js';

/** Identifies a delivery target in metric labels: the target id of a rule on a bus. */
export interface TargetLabels {
  readonly bus: string;
  readonly rule: string;
  readonly target: string;
}

/** Backlog of one target, read at scrape time from the delivery queue. */
export interface TargetBacklog extends TargetLabels {
  readonly pending: number;
  /** Start (ms) of the oldest unfinished delivery (its enqueue or redrive), or null when none. */
  readonly oldestPendingAt: number | null;
}

/** Circuit breaker states as the `switchyard_target_circuit_state` gauge encodes them. */
export const CIRCUIT_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;
export type CircuitState = keyof typeof CIRCUIT_STATE;

export interface MetricsOptions {
  /** Bytes the store occupies, read at scrape time. */
  /** The store's size (its housekeeping); absent when the backend has none: no store-size gauge then. */
  readonly storeSizeBytes?: (() => Promise<number> | number) | undefined;
  /** Include process and Node.js runtime metrics (prom-client defaults). */
  readonly processMetrics: boolean;
  readonly now: () => number;
}

interface TargetSeries {
  readonly ok: { inc(n?: number): void };
  readonly error: { inc(n?: number): void };
  readonly seconds: { observe(v: number): void };
  readonly delivered: { inc(n?: number): void };
  readonly putToDelivered: { observe(v: number): void };
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELIVERY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * Every Switchyard metric in one prom-client registry (its own, never the global one, so two
 * servers in one process do not share counters). docs/metrics.md lists each metric; a test keeps
 * the two in step. Counters are updated on the hot path with label values that are already
 * strings (bus, rule, target names), so the cost is a map lookup and an add.
 */
export class SwitchyardMetrics {
  readonly registry = new Registry();
  readonly #now: () => number;
  readonly #targets = new WeakMap<TargetLabels, TargetSeries>();
  #backlog: () => Promise<readonly TargetBacklog[]> | readonly TargetBacklog[] = () => [];
  #sources: () => readonly SourceMetrics[] = () => [];
  /** The backlog read once for the scrape in progress (both backlog gauges use it). */
  #scraping: readonly TargetBacklog[] | undefined;

  readonly received: FastCounter<'bus' | 'mode'>;
  readonly duplicates: FastCounter<'bus'>;
  readonly rejected: FastCounter<'bus' | 'reason'>;
  readonly ingestSeconds: FastHistogram<'route'>;
  readonly commitSeconds: FastHistogram;
  readonly matches: FastCounter<'bus' | 'rule'>;
  readonly unmatched: FastCounter<'bus'>;
  readonly schemaChecks: FastCounter<'bus' | 'mode' | 'result'>;
  readonly deliveries: FastCounter<'bus' | 'rule' | 'target' | 'outcome'>;
  readonly attempts: FastCounter<'bus' | 'rule' | 'target' | 'result'>;
  readonly attemptSeconds: FastHistogram<'bus' | 'rule' | 'target'>;
  readonly putToDelivered: FastHistogram<'bus' | 'rule' | 'target'>;
  readonly deadLetters: FastCounter<'bus' | 'rule' | 'target'>;
  readonly circuit: Gauge<'bus' | 'rule' | 'target'>;

  constructor(opts: MetricsOptions) {
    this.#now = opts.now;
    const registers = [this.registry];
    this.received = new FastCounter({ name: 'switchyard_events_received_total', help: 'Events stored, per bus and content mode (duplicates excluded).', labelNames: ['bus', 'mode'], registers });
    this.duplicates = new FastCounter({ name: 'switchyard_events_duplicate_total', help: 'Events answered as duplicates of one already stored (same source and id within the dedupe window).', labelNames: ['bus'], registers });
    this.rejected = new FastCounter({ name: 'switchyard_events_rejected_total', help: 'Events (or put requests) refused, per bus and error code.', labelNames: ['bus', 'reason'], registers });
    this.ingestSeconds = new FastHistogram({ name: 'switchyard_ingest_duration_seconds', help: 'Put request latency from request to answer, per route (http = CloudEvents binding, put-events = PutEvents).', labelNames: ['route'], buckets: LATENCY_BUCKETS, registers });
    this.commitSeconds = new FastHistogram({ name: 'switchyard_ingest_commit_seconds', help: 'Time from submitting an append to its commit (group commit included).', buckets: LATENCY_BUCKETS, registers });
    this.matches = new FastCounter({ name: 'switchyard_rule_matches_total', help: 'Stored events that matched a rule, per bus and rule.', labelNames: ['bus', 'rule'], registers });
    this.unmatched = new FastCounter({ name: 'switchyard_events_unmatched_total', help: 'Stored events that matched no rule, per bus.', labelNames: ['bus'], registers });
    this.schemaChecks = new FastCounter({ name: 'switchyard_schema_checks_total', help: 'Events checked against a registered schema at ingest, per bus, validation mode (warn, enforce) and result (valid, invalid).', labelNames: ['bus', 'mode', 'result'], registers });
    this.deliveries = new FastCounter({ name: 'switchyard_deliveries_total', help: 'Finished deliveries per target and outcome (delivered, dead).', labelNames: ['bus', 'rule', 'target', 'outcome'], registers });
    this.attempts = new FastCounter({ name: 'switchyard_delivery_attempts_total', help: 'Delivery attempts per target and result (ok, error).', labelNames: ['bus', 'rule', 'target', 'result'], registers });
    this.attemptSeconds = new FastHistogram({ name: 'switchyard_delivery_attempt_duration_seconds', help: 'Duration of one delivery attempt, per target.', labelNames: ['bus', 'rule', 'target'], buckets: LATENCY_BUCKETS, registers });
    this.putToDelivered = new FastHistogram({ name: 'switchyard_put_to_delivered_seconds', help: 'Time from the event being received to its successful delivery, per target.', labelNames: ['bus', 'rule', 'target'], buckets: DELIVERY_BUCKETS, registers });
    this.deadLetters = new FastCounter({ name: 'switchyard_dead_letters_total', help: 'Deliveries dead-lettered, per target.', labelNames: ['bus', 'rule', 'target'], registers });
    this.circuit = new Gauge({ name: 'switchyard_target_circuit_state', help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.', labelNames: ['bus', 'rule', 'target'], registers });
    const backlog = async (): Promise<readonly TargetBacklog[]> => this.#scraping ?? await this.#backlog();
    const now = (): number => this.#now();
    new Gauge({
      name: 'switchyard_deliveries_pending', help: 'Deliveries not yet finished (pending, retrying or waiting on their FIFO group), per target.', labelNames: ['bus', 'rule', 'target'], registers,
      async collect() {
        const rows = await backlog();
        this.reset();
        for (const b of rows) this.set({ bus: b.bus, rule: b.rule, target: b.target }, b.pending);
      },
    });
    new Gauge({
      name: 'switchyard_delivery_oldest_pending_age_seconds', help: 'Age of the oldest unfinished delivery per target, since it was enqueued (or redriven).', labelNames: ['bus', 'rule', 'target'], registers,
      async collect() {
        const rows = await backlog();
        this.reset();
        const t = now();
        for (const b of rows) if (b.oldestPendingAt !== null) this.set({ bus: b.bus, rule: b.rule, target: b.target }, Math.max(0, t - b.oldestPendingAt) / 1000);
      },
    });
    const size = opts.storeSizeBytes;
    if (size !== undefined) {
      new Gauge({
        name: 'switchyard_store_size_bytes', help: 'Bytes used by the store (pages in use of the embedded SQLite file).', registers,
        async collect() {
          this.set(await size());
        },
      });
    }
    const sources = (): readonly SourceMetrics[] => this.#sources();
    for (const [field, name, help] of [
      ['received', 'switchyard_source_received_total', 'Requests or messages an event source received, per source (failed verifications included).'],
      ['put', 'switchyard_source_put_total', 'Events an event source put on its bus, per source (duplicates excluded).'],
      ['rejected', 'switchyard_source_rejected_total', 'Requests or messages an event source refused (failed verification, mapping error, paused, refused put), per source.'],
    ] as const) {
      new Counter({
        name, help, labelNames: ['source', 'kind', 'bus'], registers,
        collect() {
          this.reset();
          for (const s of sources()) this.inc({ source: s.name, kind: s.kind, bus: s.bus }, s.counts[field]);
        },
      });
    }
    new Gauge({
      name: 'switchyard_source_failing', help: 'Whether an event source is failing (1) or not (0), per source.', labelNames: ['source', 'kind', 'bus'], registers,
      collect() {
        this.reset();
        for (const s of sources()) this.set({ source: s.name, kind: s.kind, bus: s.bus }, s.failing ? 1 : 0);
      },
    });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the per-source series read their counts at scrape time (src/sources' manager). */
  setSourceStats(source: () => readonly SourceMetrics[]): void {
    this.#sources = source;
  }

  /** Where the backlog gauges read pending counts at scrape time (the delivery queue). */
  setBacklogSource(source: () => Promise<readonly TargetBacklog[]> | readonly TargetBacklog[]): void {
    this.#backlog = source;
  }

  /**
   * IngestObserver side: counts stored events, duplicates, rule matches and commit latency
   * (each count is a key join and an add: fast-metrics.ts).
   */
  appended(items: readonly AppendItem[], outcomes: readonly AppendOutcome[], startedAt: number): void {
    this.commitSeconds.observe(undefined, (performance.now() - startedAt) / 1000);
    // A batch's events share their bus and mode: runs of stored events are counted with one add.
    let run: AppendItem | undefined;
    let stored = 0;
    let unmatched = 0;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const o = outcomes[i]!;
      if (o.type === 'duplicate') this.duplicates.inc({ bus: it.bus });
      else if (o.type === 'rejected') this.rejected.inc({ bus: it.bus, reason: o.code });
      else {
        if (run !== undefined && (run.bus !== it.bus || run.mode !== it.mode)) {
          this.#countStored(run, stored, unmatched);
          stored = 0;
          unmatched = 0;
        }
        run = it;
        stored++;
        if (it.matchedRules.length === 0) unmatched++;
        for (const rule of it.matchedRules) this.matches.inc({ bus: it.bus, rule });
      }
    }
    if (run !== undefined) this.#countStored(run, stored, unmatched);
  }

  /** `stored` events of `run`'s bus and mode were stored, `unmatched` of them matching no rule. */
  #countStored(run: AppendItem, stored: number, unmatched: number): void {
    this.received.inc({ bus: run.bus, mode: run.mode }, stored);
    if (unmatched > 0) this.unmatched.inc({ bus: run.bus }, unmatched);
  }

  /** A schema was applied to an event at ingest (the schema validator's onCheck hook). */
  schemaChecked(bus: string, mode: 'warn' | 'enforce', valid: boolean): void {
    this.schemaChecks.inc({ bus, mode, result: valid ? 'valid' : 'invalid' });
  }

  /**
   * The series a target updates on every delivery, bound once per target object (the engine
   * passes the same key object for a target's whole life), so no label key is built per call.
   */
  #perTarget(t: TargetLabels): TargetSeries {
    let h = this.#targets.get(t);
    if (h === undefined) {
      const labels = { bus: t.bus, rule: t.rule, target: t.target };
      h = {
        ok: this.attempts.child({ ...labels, result: 'ok' }),
        error: this.attempts.child({ ...labels, result: 'error' }),
        seconds: this.attemptSeconds.child(labels),
        delivered: this.deliveries.child({ ...labels, outcome: 'delivered' }),
        putToDelivered: this.putToDelivered.child(labels),
      };
      this.#targets.set(t, h);
    }
    return h;
  }

  /** One send finished (ok or not) after `durationMs`, carrying `deliveries` deliveries (a batch). */
  attempt(t: TargetLabels, ok: boolean, durationMs: number, deliveries = 1): void {
    const h = this.#perTarget(t);
    (ok ? h.ok : h.error).inc(deliveries);
    h.seconds.observe(durationMs / 1000);
  }

  /** A delivery succeeded at `now`; `receivedAt` is when the bus received its event (ms). */
  delivered(t: TargetLabels, receivedAt: number, now: number = this.#now()): void {
    const h = this.#perTarget(t);
    h.delivered.inc();
    h.putToDelivered.observe(Math.max(0, now - receivedAt) / 1000);
  }

  /** `count` deliveries were dead-lettered. */
  deadLettered(t: TargetLabels, count = 1): void {
    this.deliveries.inc({ bus: t.bus, rule: t.rule, target: t.target, outcome: 'dead' }, count);
    this.deadLetters.inc({ bus: t.bus, rule: t.rule, target: t.target }, count);
  }

  circuitChanged(t: TargetLabels, state: CircuitState): void {
    this.circuit.set({ bus: t.bus, rule: t.rule, target: t.target }, CIRCUIT_STATE[state]);
  }

  /**
   * The Prometheus text exposition of every metric. The delivery backlog behind the two backlog gauges is read once per
   * scrape (its cost follows the number of unfinished deliveries).
   */
  async scrape(): Promise<string> {
    this.#scraping = await this.#backlog();
    try {
      return await this.registry.metrics();
    } finally {
      this.#scraping = undefined;
    }
  }
}
