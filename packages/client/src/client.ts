import { cloudEvent } from './event-builder.js';
import { tail, type TailOptions } from './tail.js';
import { Transport, type TransportOptions } from './transport.js';
import type {
  Bus, BusInput, BusUpdate, CatalogEntry, CatalogPage, CatalogQuery, CloudEvent, CloudEventInput, CodeLanguage, CompatibilityMode, CompatibilityResult, Connection, ConnectionInput, DeadLetter,
  DeadLetterFilter, DeadLetterSelection, DeadLetterSummary, EventQuery, Filter, Page, PatternTestResult, PutEntriesResult, PutEntry, PutResult,
  Rule, RuleInput, Schema, SchemaSettings, Source, SourceInput, SchemaVersion, SchemaVersionInput, SigningSecret, StoredEvent, TargetStatus, Trace,
} from './types.js';

export type ClientOptions = TransportOptions;

type Items<T> = { items: T[] };
type Time = string | number | Date | undefined;
const time = (t: Time): string | undefined => (t === undefined ? undefined : t instanceof Date ? t.toISOString() : String(t));
const filterQuery = (f: DeadLetterFilter): { bus?: string; rule?: string; target?: string; from?: string; to?: string } => ({ ...f, from: time(f.from), to: time(f.to) });

/**
 * A client of one Switchyard server. Method groups follow the API's resources; every method
 * returns the server's answer typed, and throws {@link ApiError} (problem details) or
 * {@link NetworkError}.
 *
 * @example
 * const client = new SwitchyardClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'k' });
 * await client.events.put('orders', { source: '/shop', type: 'order.created', data: { id: 7 } });
 */
export class SwitchyardClient {
  readonly transport: Transport;

  constructor(opts: ClientOptions) {
    this.transport = new Transport(opts);
  }

  /** Events: put (one, several, or through the builder), get, search, trace. */
  readonly events = {
    /**
     * Puts events on a bus (structured mode for one, batch mode for several); `id`, `time` and
     * `specversion` are filled when absent. Retried on 429/503 and network errors: the server
     * deduplicates by (source, id), so a retried put never stores an event twice.
     */
    put: async (bus: string, events: CloudEventInput | readonly CloudEventInput[], opts: { signal?: AbortSignal } = {}): Promise<PutResult[]> => {
      const many = Array.isArray(events);
      const list = (many ? events : [events]) as readonly CloudEventInput[];
      const full = list.map((e) => cloudEvent(e));
      const r = await this.transport.call<{ results: PutResult[] }, '/v1/buses/{bus}/events', 'post'>({
        method: 'post', path: '/v1/buses/{bus}/events', params: { bus },
        rawBody: JSON.stringify(many ? full : full[0]),
        headers: { 'content-type': many ? 'application/cloudevents-batch+json' : 'application/cloudevents+json' },
        retry: true, ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
      return r.results;
    },
    /** PutEvents across buses: one result per entry, a failed entry fails alone. Retried as puts are. */
    putEntries: async (entries: readonly PutEntry[]): Promise<PutEntriesResult> =>
      this.transport.call({ method: 'post', path: '/v1/events', body: { entries: entries.map((e) => cloudEvent(e)) }, retry: true }),
    /** The newest event with this id (narrow with `source`). */
    get: async (bus: string, id: string, opts: { source?: string } = {}): Promise<StoredEvent> =>
      this.transport.call({ method: 'get', path: '/v1/buses/{bus}/events/{id}', params: { bus, id }, query: { source: opts.source } }),
    /** One page of a search in sequence order; pass the page's `next` as `after`. */
    search: async (bus: string, q: EventQuery = {}): Promise<Page<StoredEvent>> =>
      this.transport.call({
        method: 'get', path: '/v1/buses/{bus}/events', params: { bus },
        query: { ...q, from: time(q.from), to: time(q.to), pattern: q.pattern === undefined ? undefined : JSON.stringify(q.pattern), limit: q.limit ?? 100 },
      }),
    /** Every event of a search, page after page. */
    searchAll: (bus: string, q: EventQuery = {}): AsyncIterable<StoredEvent> => this.#pages<StoredEvent, number>((after) => this.events.search(bus, { ...q, after })),
    /** What happened to an event: matched rules, per target payload and attempts, final state. */
    trace: async (bus: string, id: string, opts: { source?: string; explain?: boolean } = {}): Promise<Trace> =>
      this.transport.call({ method: 'get', path: '/v1/buses/{bus}/events/{id}/trace', params: { bus, id }, query: { source: opts.source, explain: opts.explain } }),
    /** Live tail of a bus (Server-Sent Events) as an async iterator; resumes after a disconnect. */
    tail: (bus: string, opts: TailOptions = {}): AsyncIterable<StoredEvent> => tail(this.transport, bus, opts),
  };

  readonly buses = {
    list: async (): Promise<Bus[]> => (await this.transport.call<Items<Bus>, '/v1/buses', 'get'>({ method: 'get', path: '/v1/buses' })).items,
    get: async (name: string): Promise<Bus> => this.transport.call({ method: 'get', path: '/v1/buses/{bus}', params: { bus: name } }),
    /** Creates a bus (not retried: a create is not idempotent). */
    create: async (input: BusInput): Promise<Bus> => this.transport.call({ method: 'post', path: '/v1/buses', body: input }),
    /** Changes a bus's description or retention; only what is given changes. */
    update: async (name: string, change: BusUpdate): Promise<Bus> => this.transport.call({ method: 'patch', path: '/v1/buses/{bus}', params: { bus: name }, body: change, retry: true }),
    delete: async (name: string): Promise<void> => this.transport.call({ method: 'delete', path: '/v1/buses/{bus}', params: { bus: name } }),
  };

  readonly rules = {
    /** Creates or replaces a rule. */
    put: async (bus: string, name: string, rule: RuleInput): Promise<Rule> =>
      this.transport.call({ method: 'put', path: '/v1/buses/{bus}/rules/{name}', params: { bus, name }, body: rule }),
    get: async (bus: string, name: string): Promise<Rule> => this.transport.call({ method: 'get', path: '/v1/buses/{bus}/rules/{name}', params: { bus, name } }),
    list: async (bus: string): Promise<Rule[]> =>
      (await this.transport.call<Items<Rule>, '/v1/buses/{bus}/rules', 'get'>({ method: 'get', path: '/v1/buses/{bus}/rules', params: { bus } })).items,
    delete: async (bus: string, name: string): Promise<void> => this.transport.call({ method: 'delete', path: '/v1/buses/{bus}/rules/{name}', params: { bus, name } }),
    /** Enabling is idempotent, so it is retried. */
    enable: async (bus: string, name: string): Promise<Rule> =>
      this.transport.call({ method: 'post', path: '/v1/buses/{bus}/rules/{name}/enable', params: { bus, name }, retry: true }),
    disable: async (bus: string, name: string): Promise<Rule> =>
      this.transport.call({ method: 'post', path: '/v1/buses/{bus}/rules/{name}/disable', params: { bus, name }, retry: true }),
    /** Does this event match this filter? If not, the first failing condition. */
    test: async (filter: Filter, event: unknown): Promise<PatternTestResult> =>
      this.transport.call({ method: 'post', path: '/v1/patterns/test', body: { filter, event }, retry: true }),
  };

  /** The delivery state of a rule's targets and their signing secrets. */
  readonly targets = {
    state: async (bus: string, rule: string): Promise<TargetStatus[]> =>
      (await this.transport.call<Items<TargetStatus>, '/v1/buses/{bus}/rules/{rule}/targets', 'get'>({ method: 'get', path: '/v1/buses/{bus}/rules/{rule}/targets', params: { bus, rule } })).items,
    /** Re-enables a target disabled for failing too long and closes its breaker. */
    enable: async (bus: string, rule: string, target: string): Promise<TargetStatus> =>
      this.transport.call({ method: 'post', path: '/v1/buses/{bus}/rules/{rule}/targets/{target}/enable', params: { bus, rule, target }, retry: true }),
    signingSecrets: async (bus: string, rule: string, target: string): Promise<SigningSecret[]> =>
      (await this.transport.call<Items<SigningSecret>, '/v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets', 'get'>({
        method: 'get', path: '/v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets', params: { bus, rule, target },
      })).items,
    /** A new primary secret; the old ones keep signing for `overlapMs` (default 24 h). Not retried. */
    rotateSigningSecret: async (bus: string, rule: string, target: string, opts: { overlapMs?: number; secret?: string } = {}): Promise<SigningSecret[]> =>
      (await this.transport.call<Items<SigningSecret>, '/v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets/rotate', 'post'>({
        method: 'post', path: '/v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets/rotate', params: { bus, rule, target }, body: opts,
      })).items,
  };

  readonly connections = {
    put: async (name: string, c: ConnectionInput): Promise<Connection> => this.transport.call({ method: 'put', path: '/v1/connections/{name}', params: { name }, body: c }),
    get: async (name: string): Promise<Connection> => this.transport.call({ method: 'get', path: '/v1/connections/{name}', params: { name } }),
    list: async (): Promise<Connection[]> => (await this.transport.call<Items<Connection>, '/v1/connections', 'get'>({ method: 'get', path: '/v1/connections' })).items,
    delete: async (name: string): Promise<void> => this.transport.call({ method: 'delete', path: '/v1/connections/{name}', params: { name } }),
  };

  /** Event sources (docs/sources.md): webhook endpoints verified and mapped onto CloudEvents. */
  readonly sources = {
    put: async (name: string, s: SourceInput): Promise<Source> => this.transport.call({ method: 'put', path: '/v1/sources/{name}', params: { name }, body: s }),
    get: async (name: string): Promise<Source> => this.transport.call({ method: 'get', path: '/v1/sources/{name}', params: { name } }),
    list: async (): Promise<Source[]> => (await this.transport.call<Items<Source>, '/v1/sources', 'get'>({ method: 'get', path: '/v1/sources' })).items,
    delete: async (name: string): Promise<void> => this.transport.call({ method: 'delete', path: '/v1/sources/{name}', params: { name } }),
    pause: async (name: string): Promise<Source> => this.transport.call({ method: 'post', path: '/v1/sources/{name}/pause', params: { name }, retry: true }),
    resume: async (name: string): Promise<Source> => this.transport.call({ method: 'post', path: '/v1/sources/{name}/resume', params: { name }, retry: true }),
  };

  readonly schemas = {
    list: async (): Promise<Schema[]> => (await this.transport.call<Items<Schema>, '/v1/schemas', 'get'>({ method: 'get', path: '/v1/schemas' })).items,
    /** Creates a schema or changes its description / compatibility mode. */
    put: async (name: string, s: { description?: string; compatibility?: CompatibilityMode } = {}, opts: { source?: string } = {}): Promise<Schema> =>
      this.transport.call({ method: 'put', path: '/v1/schemas/{name}', params: { name }, query: { source: opts.source }, body: s }),
    get: async (name: string, opts: { source?: string } = {}): Promise<Schema> =>
      this.transport.call({ method: 'get', path: '/v1/schemas/{name}', params: { name }, query: { source: opts.source } }),
    delete: async (name: string, opts: { source?: string } = {}): Promise<void> =>
      this.transport.call({ method: 'delete', path: '/v1/schemas/{name}', params: { name }, query: { source: opts.source } }),
    /** Registers the next version (409 SWY_SCHEMA_INCOMPATIBLE with the breaks when incompatible). Not retried. */
    addVersion: async (name: string, v: SchemaVersionInput, opts: { source?: string } = {}): Promise<SchemaVersion> =>
      this.transport.call({ method: 'post', path: '/v1/schemas/{name}/versions', params: { name }, query: { source: opts.source }, body: v }),
    /** Checks a candidate against the latest version without registering it. */
    checkCompatibility: async (name: string, v: SchemaVersionInput, opts: { source?: string } = {}): Promise<CompatibilityResult> =>
      this.transport.call({ method: 'post', path: '/v1/schemas/{name}/compatibility', params: { name }, query: { source: opts.source }, body: v, retry: true }),
    versions: async (name: string, opts: { source?: string } = {}): Promise<SchemaVersion[]> =>
      (await this.transport.call<Items<SchemaVersion>, '/v1/schemas/{name}/versions', 'get'>({ method: 'get', path: '/v1/schemas/{name}/versions', params: { name }, query: { source: opts.source } })).items,
    version: async (name: string, version: number | 'latest', opts: { source?: string } = {}): Promise<SchemaVersion> =>
      this.transport.call({ method: 'get', path: '/v1/schemas/{name}/versions/{version}', params: { name, version: String(version) }, query: { source: opts.source } }),
    /** Generated code for a version (TypeScript by default). */
    code: async (name: string, version: number | 'latest', opts: { source?: string; lang?: CodeLanguage } = {}): Promise<string> =>
      this.transport.call({ method: 'get', path: '/v1/schemas/{name}/versions/{version}/code', params: { name, version: String(version) }, query: { source: opts.source, lang: opts.lang }, as: 'text' }),
    /** A sample CloudEvent whose data satisfies the version. */
    sample: async (name: string, version: number | 'latest', opts: { source?: string } = {}): Promise<CloudEvent> =>
      this.transport.call({ method: 'get', path: '/v1/schemas/{name}/versions/{version}/sample', params: { name, version: String(version) }, query: { source: opts.source } }),
    settings: async (bus: string): Promise<SchemaSettings> => this.transport.call({ method: 'get', path: '/v1/buses/{bus}/schema-settings', params: { bus } }),
    /** Sets validation / discovery of a bus; omitted fields keep their value. */
    setSettings: async (bus: string, s: Partial<Omit<SchemaSettings, 'bus'>>): Promise<SchemaSettings> =>
      this.transport.call({ method: 'put', path: '/v1/buses/{bus}/schema-settings', params: { bus }, body: s }),
    /** The AsyncAPI 3.0 document of a bus. */
    asyncapi: async (bus: string): Promise<Record<string, unknown>> => this.transport.call({ method: 'get', path: '/v1/buses/{bus}/asyncapi', params: { bus } }),
  };

  readonly deadLetters = {
    list: async (f: DeadLetterFilter & { after?: string; limit?: number } = {}): Promise<Page<DeadLetterSummary, string>> =>
      this.transport.call({ method: 'get', path: '/v1/dead-letters', query: { ...filterQuery(f), after: f.after, limit: f.limit ?? 100 } }),
    listAll: (f: DeadLetterFilter = {}): AsyncIterable<DeadLetterSummary> => this.#pages<DeadLetterSummary, string>((after) => this.deadLetters.list({ ...f, after })),
    get: async (id: string): Promise<DeadLetter> => this.transport.call({ method: 'get', path: '/v1/dead-letters/{id}', params: { id } }),
    /** Makes the selected dead letters due again with a fresh retry budget. Not retried. */
    redrive: async (s: DeadLetterSelection): Promise<number> =>
      (await this.transport.call<{ redriven: number }, '/v1/dead-letters/redrive', 'post'>({ method: 'post', path: '/v1/dead-letters/redrive', body: 'filter' in s ? { filter: filterQuery(s.filter) } : s })).redriven,
    /** Deletes the selected dead letters with their attempts. */
    purge: async (s: DeadLetterSelection): Promise<number> =>
      (await this.transport.call<{ purged: number }, '/v1/dead-letters/purge', 'post'>({ method: 'post', path: '/v1/dead-letters/purge', body: 'filter' in s ? { filter: filterQuery(s.filter) } : s, retry: true })).purged,
    delete: async (id: string): Promise<void> => this.transport.call({ method: 'delete', path: '/v1/dead-letters/{id}', params: { id } }),
  };

  /** The event catalogue: every (source, type) seen per bus, with counts, a sample event and its schema. */
  readonly catalog = {
    list: async (q: CatalogQuery & { after?: string; limit?: number } = {}): Promise<CatalogPage> =>
      this.transport.call({ method: 'get', path: '/v1/catalog', query: { bus: q.bus, source: q.source, type: q.type, after: q.after, limit: q.limit ?? 100 } }),
    listAll: (q: CatalogQuery = {}): AsyncIterable<CatalogEntry> => this.#pages<CatalogEntry, string>((after) => this.catalog.list({ ...q, after })),
  };

  /** Runs a transformer once on an event and shows its output. */
  async testTransform(transform: unknown, event: unknown, opts: { ruleName?: string } = {}): Promise<{ output: unknown; contentType: string }> {
    return this.transport.call({ method: 'post', path: '/v1/transforms/test', body: { transform, event, ...opts }, retry: true });
  }

  async *#pages<T, C extends number | string>(page: (after: C | undefined) => Promise<Page<T, C>>): AsyncGenerator<T> {
    let after: C | undefined;
    for (;;) {
      const p = await page(after);
      yield* p.items;
      if (p.next === undefined) return;
      after = p.next;
    }
  }
}
