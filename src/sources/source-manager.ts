import { KeyedLock, SwitchyardError, type Clock, type Violation } from '../core/index.js';
import { decodeHttpRequest, type CloudEvent, type ContentMode } from '../events/index.js';
import { ZERO_SOURCE_COUNTS, type Catalog, type CatalogChange, type SourceCounts, type DeadMessage, type SourceDeadLetterStore, type SourceRecord } from '../store/index.js';
import { checkMapping, type CompiledMapping } from './mapping/mapping.js';
import type { SourceKinds } from './registry.js';
import { checkSourceBody, type SourceBody } from './source-spec.js';
import { SourceStats, type SourceStatus } from './source-stats.js';
import type {
  ConnectionCredentials, SecretResolver, SourceHealthListener, SourceKind, SourceLog, SourcePublisher, SourcePutOrigin, SourcePutOutcome, SourceRunner,
} from './types.js';
import { WEBHOOK_KIND, type WebhookConfig } from './webhook/webhook-kind.js';
import type { WebhookReply, WebhookRequest } from './webhook/verify/index.js';
import { isCloudEventRequest, webhookDocument } from './webhook/webhook-document.js';

export interface SourceManagerOptions {
  readonly catalog: Catalog;
  readonly kinds: SourceKinds;
  readonly publisher: SourcePublisher;
  readonly secrets: SecretResolver;
  readonly health?: SourceHealthListener | undefined;
  readonly clock: Clock;
  readonly log: SourceLog;
  /** True when the server listens on loopback only: webhook sources may go unverified. */
  readonly allowUnverified: boolean;
  /** Largest mapping output (templates, constants): limits.maxEventBytes. */
  readonly maxMappingBytes: number;
  /** The codec's limits, for requests that already are CloudEvents. */
  readonly limits: { readonly maxEventBytes: number; readonly maxBatchEvents: number; readonly maxJsonDepth: number };
  /** How often counters are added to the store (ms); 0: only at stop and on `flush`. Default 5000. */
  readonly flushIntervalMs?: number;
  /** Where pulling kinds keep poison messages (`SourceRun.deadLetter`). */
  readonly deadLetters: SourceDeadLetterStore;
}

/** A source as the API shows it: its settings, observed status and counters; never a secret. */
export interface SourceView {
  readonly name: string;
  readonly kind: string;
  readonly bus: string;
  readonly description: string | null;
  readonly state: 'running' | 'paused';
  readonly mapping: unknown;
  readonly status: { readonly state: SourceStatus['state']; readonly since: string; readonly lastError?: string; readonly lastRejection?: { readonly at: string; readonly reason: string } };
  readonly counters: { readonly received: number; readonly put: number; readonly rejected: number; readonly lastEventAt: string | null };
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly [setting: string]: unknown;
}

/** A webhook request to a source: the verifiers' view plus the body's media type and traceparent. */
export interface SourceWebhookRequest extends WebhookRequest {
  readonly contentType: string | undefined;
  readonly traceparent?: string | undefined;
}

/** What the webhook route answers: the put's results (202) or the verifier's own reply (a URL challenge). */
export type WebhookAnswer =
  | { readonly type: 'put'; readonly results: readonly { id: string; source: string; sequence: number; duplicate?: true }[] }
  | { readonly type: 'reply'; readonly reply: WebhookReply };

/** Per-source metrics, read at scrape time. */
export interface SourceMetricsRow {
  readonly name: string;
  readonly kind: string;
  readonly bus: string;
  readonly counts: SourceCounts;
  readonly failing: boolean;
}

interface Entry {
  record: SourceRecord;
  kind: SourceKind<unknown> | undefined;
  config: unknown;
  mapping: CompiledMapping | undefined;
  /** Why the stored record no longer compiles (a kind not registered, a setting now refused). */
  invalid: string | undefined;
  readonly stats: SourceStats;
  runner: Promise<SourceRunner | undefined> | undefined;
  abort: AbortController | undefined;
}

/** Refusals that are the source's own trouble (every message would fail alike): the source is failing. */
const SOURCE_FAULTS: ReadonlySet<string> = new Set(['SWY_STORE_BUS_NOT_FOUND', 'SWY_STORE_UNAVAILABLE', 'SWY_INGEST_STORE_FAILED', 'SWY_INGEST_SYSTEM_BUS']);

const iso = (ms: number): string => new Date(ms).toISOString();
const notFound = (name: string): SwitchyardError => new SwitchyardError('SWY_SOURCE_NOT_FOUND', `no source "${name}"`);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Runs the event sources (docs/sources.md): keeps every source record in memory (following the
 * catalog's change feed, so a change made through any node reaches this one), starts and stops
 * pulling kinds, receives webhooks, counts (flushed to the store every few seconds) and reports
 * health transitions. The API manages sources through it.
 */
export class SourceManager {
  readonly #o: SourceManagerOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #lock = new KeyedLock();
  readonly #secretCache = new Map<string, Promise<ConnectionCredentials | undefined>>();
  #base = new Map<string, SourceCounts>();
  #unwatch: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #stopped = false;

  constructor(options: SourceManagerOptions) {
    this.#o = options;
  }

  get kinds(): SourceKinds {
    return this.#o.kinds;
  }

  async start(): Promise<void> {
    this.#unwatch = this.#o.catalog.watch((c) => this.#changed(c));
    this.#base = await this.#o.catalog.sources.counts();
    for (const r of await this.#o.catalog.sources.list()) await this.#lock.run(r.name, () => this.#apply(r.name, r));
    const every = this.#o.flushIntervalMs ?? 5000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.flush().catch((err: unknown) => this.#o.log.warn({ err }, 'source counters not flushed; kept for the next flush')), every);
      this.#timer.unref();
    }
  }

  /** Stops every pulling source (waiting for in-flight messages) and flushes the counters. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unwatch?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await Promise.all([...this.#entries.values()].map((e) => this.#stopRunner(e)));
    await this.flush().catch((err: unknown) => this.#o.log.warn({ err }, 'source counters not flushed at stop'));
  }

  /** Adds the counts since the last flush to the store. */
  flush(): Promise<void> {
    this.#flushing ??= (async () => {
      try {
        const deltas = new Map<string, SourceCounts>();
        for (const [name, e] of this.#entries) {
          const d = e.stats.takeDelta();
          if (d !== undefined) deltas.set(name, d);
        }
        if (deltas.size === 0) return;
        try {
          await this.#o.catalog.sources.addCounts(deltas);
        } catch (err) {
          for (const [name, d] of deltas) this.#entries.get(name)?.stats.restore(d);
          throw err;
        }
        for (const [name, d] of deltas) {
          const b = this.#base.get(name) ?? ZERO_SOURCE_COUNTS;
          this.#base.set(name, {
            received: b.received + d.received, put: b.put + d.put, rejected: b.rejected + d.rejected,
            lastEventAt: d.lastEventAt === null ? b.lastEventAt : Math.max(b.lastEventAt ?? 0, d.lastEventAt),
          });
        }
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }

  // ---- management (the API) ----

  /** Validates and stores a source; the change feed then starts it. */
  async put(name: string, body: unknown): Promise<{ source: SourceView; created: boolean }> {
    const checked = this.check(body);
    const b = checked.body;
    const out: Violation[] = [];
    if (await this.#o.catalog.buses.get(b.bus) === undefined) out.push({ path: '/bus', reason: `bus "${b.bus}" does not exist` });
    for (const c of checked.connections) {
      if (await this.#o.catalog.connections.get(c) === undefined) out.push({ path: '/connection', reason: `connection "${c}" does not exist (create it with PUT /v1/connections/${c})` });
    }
    if (out.length > 0) throw invalid(out);
    const { source, created } = await this.#o.catalog.sources.put({ name, kind: b.kind, bus: b.bus, description: b.description, state: b.state, config: b.config, mapping: b.mapping });
    await this.#lock.run(name, () => this.#apply(name, source));
    return { source: this.#view(source), created };
  }

  /** Checks a source body without storing it (kind, settings, mapping); throws SWY_SOURCE_INVALID. */
  check(body: unknown): { body: SourceBody; connections: readonly string[] } {
    const r = checkSourceBody(body, this.#o.kinds, { allowUnverified: this.#o.allowUnverified }, this.#o.maxMappingBytes);
    if (!r.ok) throw invalid(r.violations);
    return { body: r.body, connections: r.connections };
  }

  async get(name: string): Promise<SourceView> {
    const r = await this.#o.catalog.sources.get(name);
    if (r === undefined) throw notFound(name);
    return this.#view(r);
  }

  async list(): Promise<SourceView[]> {
    return (await this.#o.catalog.sources.list()).map((r) => this.#view(r));
  }

  async delete(name: string): Promise<void> {
    if (!(await this.#o.catalog.sources.delete(name))) throw notFound(name);
    await this.#lock.run(name, () => this.#apply(name, undefined));
  }

  /** Pauses (`paused`) or resumes (`running`) a source. */
  async setState(name: string, state: 'running' | 'paused'): Promise<SourceView> {
    const r = await this.#o.catalog.sources.setState(name, state);
    if (r === undefined) throw notFound(name);
    await this.#lock.run(name, () => this.#apply(name, r));
    return this.#view(r);
  }

  /** Counters and health of every source, for the metrics. */
  metrics(): SourceMetricsRow[] {
    return [...this.#entries.values()].map((e) => ({
      name: e.record.name, kind: e.record.kind, bus: e.record.bus, counts: e.stats.plus(this.#base.get(e.record.name) ?? ZERO_SOURCE_COUNTS), failing: e.stats.isFailing,
    }));
  }

  // ---- webhooks ----

  /**
   * Receives one webhook request: verify (constant time) → a CloudEvent as is, or the mapping →
   * the domain put. Throws SWY_SOURCE_NOT_FOUND, SWY_SOURCE_PAUSED, SWY_SOURCE_VERIFICATION_FAILED
   * (nothing stored), SWY_SOURCE_MAPPING_FAILED, the codec's and the put's errors.
   */
  async webhook(name: string, req: SourceWebhookRequest): Promise<WebhookAnswer> {
    const e = this.#entries.get(name);
    if (e === undefined || e.record.kind !== WEBHOOK_KIND) throw notFound(name);
    const now = this.#o.clock.now();
    e.stats.received();
    if (e.record.state === 'paused') {
      e.stats.rejected('the source is paused', now);
      throw new SwitchyardError('SWY_SOURCE_PAUSED', `source "${name}" is paused`);
    }
    if (e.invalid !== undefined || e.mapping === undefined) {
      e.stats.rejected(e.invalid ?? 'no mapping', now);
      throw new SwitchyardError('SWY_SOURCE_INVALID', `source "${name}" cannot run: ${e.invalid ?? 'no mapping'}`);
    }
    const cfg = e.config as WebhookConfig;
    const secrets = await this.#secrets(cfg.verify.connections);
    const v = cfg.verify.verify(req, secrets, now);
    if (!v.ok) {
      e.stats.rejected(`verification failed: ${v.reason}`, now);
      throw new SwitchyardError('SWY_SOURCE_VERIFICATION_FAILED', `the request was not verified: ${v.reason}`);
    }
    if (v.reply !== undefined) return { type: 'reply', reply: v.reply };
    const body = v.body ?? req.body;
    let events: CloudEvent[];
    let mode: ContentMode | undefined;
    try {
      if (isCloudEventRequest(req)) {
        const d = decodeHttpRequest({ contentType: req.contentType, headers: req.headers as Record<string, string | string[] | undefined>, body }, { maxEventBytes: this.#o.limits.maxEventBytes, maxBatchEvents: this.#o.limits.maxBatchEvents, maxDepth: this.#o.limits.maxJsonDepth });
        events = d.events;
        mode = d.mode;
      } else {
        const contentType = v.body === undefined ? req.contentType : 'application/json';
        events = [e.mapping.apply({ doc: webhookDocument(req, body, contentType, e.mapping.readsBody), body, contentType }, { name, bus: e.record.bus, defaultType: 'switchyard.webhook.received', now })];
      }
    } catch (err) {
      e.stats.rejected(message(err), now);
      throw err;
    }
    const origin: SourcePutOrigin = { source: name, kind: WEBHOOK_KIND, verification: v.label, mode, client: req.client, traceparent: req.traceparent };
    const outcomes = await this.#put(e, events, origin);
    const results: { id: string; source: string; sequence: number; duplicate?: true }[] = [];
    for (const o of outcomes) {
      if (o.type === 'stored') results.push({ id: o.id, source: o.source, sequence: o.sequence });
      else if (o.type === 'duplicate') results.push({ id: o.id, source: o.source, sequence: o.sequence, duplicate: true });
    }
    if (v.success !== undefined) return { type: 'reply', reply: v.success };
    return { type: 'put', results };
  }

  /** The put of one source: counts and health around the domain put; a refusal throws its coded error. */
  async #put(e: Entry, events: readonly CloudEvent[], origin: SourcePutOrigin): Promise<readonly SourcePutOutcome[]> {
    let outcomes: readonly SourcePutOutcome[];
    const now = (): number => this.#o.clock.now();
    try {
      outcomes = await this.#o.publisher.put(e.record.bus, events, origin);
    } catch (err) {
      const code = (err as { code?: string }).code;
      e.stats.rejected(message(err), now());
      if (code !== undefined && SOURCE_FAULTS.has(code)) this.#failing(e, message(err));
      throw err;
    }
    const refused = outcomes.find((o) => o.type === 'refused');
    if (refused !== undefined && refused.type === 'refused') {
      e.stats.rejected(`${refused.code}: ${refused.message}`, now(), events.length);
      if (SOURCE_FAULTS.has(refused.code)) this.#failing(e, `${refused.code}: ${refused.message}`);
      else this.#healthy(e);
      throw new SwitchyardError(refused.code, refused.message, refused.violations === undefined ? {} : { violations: [...refused.violations] });
    }
    this.#healthy(e);
    const stored = outcomes.filter((o) => o.type === 'stored').length;
    e.stats.put(stored, now());
    return outcomes;
  }

  #failing(e: Entry, error: string): void {
    if (e.stats.fail(error, this.#o.clock.now())) {
      this.#o.log.warn({ source: e.record.name, error }, 'source failing');
      this.#o.health?.failing({ name: e.record.name, kind: e.record.kind, bus: e.record.bus }, error);
    }
  }

  #healthy(e: Entry): void {
    if (e.stats.recover(this.#o.clock.now())) {
      this.#o.log.info({ source: e.record.name }, 'source recovered');
      this.#o.health?.recovered({ name: e.record.name, kind: e.record.kind, bus: e.record.bus });
    }
  }

  async #secrets(connections: readonly string[]): Promise<Map<string, ConnectionCredentials>> {
    const out = new Map<string, ConnectionCredentials>();
    for (const c of connections) {
      let p = this.#secretCache.get(c);
      if (p === undefined) {
        p = this.#o.secrets.credentials(c);
        this.#secretCache.set(c, p);
        p.catch(() => this.#secretCache.delete(c));
      }
      const creds = await p;
      if (creds !== undefined) out.set(c, creds);
    }
    return out;
  }

  // ---- following the catalog ----

  #changed(c: CatalogChange): void {
    if (c.type === 'connection') {
      this.#secretCache.delete(c.name);
      return;
    }
    if (c.type !== 'source' || this.#stopped) return;
    void this.#lock.run(c.name, async () => {
      const r = c.op === 'delete' ? undefined : await this.#o.catalog.sources.get(c.name);
      await this.#apply(c.name, r);
    }).catch((err: unknown) => this.#o.log.error({ err, source: c.name }, 'source change not applied'));
  }

  /** Brings the in-memory entry (and its runner) in line with the stored record; under the name's lock. */
  async #apply(name: string, r: SourceRecord | undefined): Promise<void> {
    const old = this.#entries.get(name);
    if (r === undefined) {
      if (old !== undefined) {
        this.#entries.delete(name);
        this.#base.delete(name);
        await this.#stopRunner(old);
      }
      return;
    }
    // Nothing that runs changed (a description, or the same change seen twice: the API's and the feed's): keep the runner.
    if (old !== undefined && sameRecord(old.record, r)) {
      old.record = r;
      return;
    }
    const entry: Entry = { record: r, kind: undefined, config: undefined, mapping: undefined, invalid: undefined, stats: old?.stats ?? new SourceStats(this.#o.clock.now()), runner: undefined, abort: undefined };
    const kind = this.#o.kinds.get(r.kind);
    if (kind === undefined) entry.invalid = `source kind "${r.kind}" is not known to this server`;
    else {
      const c = kind.checkConfig(r.config, '', { allowUnverified: this.#o.allowUnverified });
      const m = checkMapping(r.mapping, '/mapping', this.#o.maxMappingBytes);
      if (!c.ok) entry.invalid = c.violations.map((v) => `${v.path}: ${v.reason}`).join('; ');
      else if (!m.ok) entry.invalid = m.violations.map((v) => `${v.path}: ${v.reason}`).join('; ');
      else {
        entry.kind = kind;
        entry.config = c.config;
        entry.mapping = m.mapping;
      }
    }
    this.#entries.set(name, entry);
    if (!this.#base.has(name)) this.#base.set(name, ZERO_SOURCE_COUNTS);
    if (old !== undefined) await this.#stopRunner(old);
    if (entry.invalid !== undefined) {
      this.#failing(entry, entry.invalid);
      return;
    }
    if (old?.stats.isFailing === true && entry.kind?.start === undefined) this.#healthy(entry);
    if (r.state === 'running' && entry.kind?.start !== undefined && !this.#stopped) this.#startRunner(entry);
  }

  #startRunner(e: Entry): void {
    const kind = e.kind!;
    const abort = new AbortController();
    e.abort = abort;
    const r = e.record;
    const run = {
      name: r.name, bus: r.bus, config: e.config, mapping: e.mapping!, clock: this.#o.clock, log: this.#o.log, secrets: this.#o.secrets, signal: abort.signal,
      put: (events: readonly CloudEvent[], origin: Partial<Omit<SourcePutOrigin, 'source' | 'kind'>> = {}) => this.#put(e, events, { ...origin, source: r.name, kind: r.kind }),
      received: (n = 1) => e.stats.received(n),
      rejected: (n = 1) => e.stats.rejected('refused by the source', this.#o.clock.now(), n),
      failing: (err: unknown) => this.#failing(e, message(err)),
      healthy: () => this.#healthy(e),
      deadLetter: async (message: DeadMessage, error: { readonly code: string; readonly reason: string }) => {
        await this.#o.deadLetters.add({ source: r.name, code: error.code, reason: error.reason, message });
        e.stats.rejected(`${error.code}: ${error.reason}`, this.#o.clock.now());
      },
    };
    e.runner = (async () => {
      try {
        return await kind.start!(run);
      } catch (err) {
        this.#failing(e, `could not start: ${message(err)}`);
        return undefined;
      }
    })();
  }

  async #stopRunner(e: Entry): Promise<void> {
    e.abort?.abort();
    const runner = await e.runner;
    e.runner = undefined;
    if (runner === undefined) return;
    try {
      await runner.stop();
    } catch (err) {
      this.#o.log.warn({ err, source: e.record.name }, 'source did not stop cleanly');
    }
  }

  #view(r: SourceRecord): SourceView {
    const e = this.#entries.get(r.name);
    const stats = e?.stats ?? new SourceStats(r.updatedAt);
    const status = stats.status(r.state === 'paused');
    const counts = stats.plus(this.#base.get(r.name) ?? ZERO_SOURCE_COUNTS);
    return {
      name: r.name, kind: r.kind, bus: r.bus, description: r.description, state: r.state,
      ...r.config,
      mapping: r.mapping,
      status: {
        state: status.state, since: iso(status.since),
        ...(status.state === 'failing' ? { lastError: status.lastError } : {}),
        ...(stats.lastRejection === undefined ? {} : { lastRejection: { at: iso(stats.lastRejection.at), reason: stats.lastRejection.reason } }),
      },
      counters: { received: counts.received, put: counts.put, rejected: counts.rejected, lastEventAt: counts.lastEventAt === null ? null : iso(counts.lastEventAt) },
      ...(r.kind === WEBHOOK_KIND ? { webhookPath: `/v1/sources/${encodeURIComponent(r.name)}/webhook` } : {}),
      createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt),
    };
  }
}

function sameRecord(a: SourceRecord, b: SourceRecord): boolean {
  return a.state === b.state && a.kind === b.kind && a.bus === b.bus && JSON.stringify(a.config) === JSON.stringify(b.config) && JSON.stringify(a.mapping) === JSON.stringify(b.mapping);
}

function invalid(violations: readonly Violation[]): SwitchyardError {
  const first = violations[0];
  const msg = violations.length === 1 && first !== undefined ? `invalid source: ${first.path}: ${first.reason}` : `invalid source: ${violations.length} problems`;
  return new SwitchyardError('SWY_SOURCE_INVALID', msg, { violations: [...violations] });
}
