// The public shapes of the Switchyard API, written by hand: the generated OpenAPI types
// (openapi.ts) are too loose for them today (no component schemas, targets typed as `{}`).

/** A CloudEvent in the JSON format: attributes at the top level, `data` or `data_base64`. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  data_base64?: string;
  /** Extension attributes (lower-case letters and digits). */
  [extension: string]: unknown;
}

/** What a producer gives `events.put`: `id`, `time` and `specversion` are filled when absent. */
export type CloudEventInput = Omit<CloudEvent, 'specversion' | 'id'> & { specversion?: '1.0'; id?: string };

/** The outcome of one event of a put: its sequence on the bus, or `duplicate` when (source, id) was seen. */
export interface PutResult {
  id: string;
  source: string;
  sequence: number;
  duplicate?: boolean;
}

/** One entry of a multi-bus put (`POST /v1/events`): an event and its bus (default `default`). */
export type PutEntry = CloudEventInput & { bus?: string };

/** The outcome of one entry of a multi-bus put: a result, or the error of that entry alone. */
export type PutEntryResult =
  | (PutResult & { error?: undefined })
  | { id?: string; source?: string; error: { code: string; message: string; violations?: Violation[] } };

export interface PutEntriesResult {
  failedCount: number;
  results: PutEntryResult[];
}

/** An event as stored: the event, its sequence on the bus, when it arrived and the rules it matched. */
export interface StoredEvent {
  event: CloudEvent;
  sequence: number;
  receivedAt: string;
  matchedRules: string[];
}

/** A page of a cursor-paginated list; pass `next` as `after` for the next page (a sequence number, or an opaque text cursor for dead letters). */
export interface Page<T, C extends number | string = number> {
  items: T[];
  next?: C;
}

export interface Retention {
  /** Events older than this are removed (ms, at least 60000); null: no age limit. */
  maxAgeMs?: number | null;
  /** Only the newest maxCount events are kept; null: no count limit. */
  maxCount?: number | null;
}

export interface Bus {
  name: string;
  description: string | null;
  createdAt: string;
  retention: Required<Retention>;
  lastSequence: number;
}

export interface BusInput {
  name: string;
  description?: string;
  retention?: Retention;
}

/** A change to a bus: only what is given changes (a retention limit left out keeps its value; null lifts it). */
export interface BusUpdate {
  description?: string | null;
  retention?: Retention;
}

/** A rule's filter, in one of the three dialects (docs/patterns.md, docs/cesql.md). */
export type Filter =
  | { pattern: Record<string, unknown> }
  | { filters: Record<string, unknown>[] }
  | { sql: string };

/** A target's retry policy (docs/delivery.md#retry-policy). */
export interface RetryConfig {
  preset?: 'backoff' | 'exponential-decay';
  maxAttempts?: number;
  maxAgeMs?: number;
  baseMs?: number;
  capMs?: number;
  jitter?: 'full' | 'none';
  retryAfterCapMs?: number;
  nonRetryableStatuses?: number[];
}

/** Engine fields every target kind takes (docs/delivery.md). */
export interface TargetCommon {
  id: string;
  transform?: Record<string, unknown>;
  sendAs?: 'data' | 'body';
  /** A preset name or a policy (docs/delivery.md#retry-policy). */
  retry?: 'backoff' | 'exponential-decay' | RetryConfig;
  deadLetter?: Record<string, unknown>;
  ordering?: Record<string, unknown>;
  rateLimit?: Record<string, unknown>;
  concurrency?: number;
  timeoutMs?: number;
  circuitBreaker?: Record<string, unknown>;
  batch?: Record<string, unknown>;
}

export interface HttpTarget extends TargetCommon {
  kind: 'http';
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  mode?: 'binary' | 'structured';
  batchFormat?: 'cloudevents' | 'json';
  /** Name of a connection that authorizes the requests. */
  connection?: string;
}

export interface BusTarget extends TargetCommon {
  kind: 'bus';
  bus: string;
}

export interface LogTarget extends TargetCommon {
  kind: 'log';
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

export interface FileTarget extends TargetCommon {
  kind: 'file';
  path: string;
  fsync?: boolean;
}

/** A rule target, by kind (docs/targets.md). */
export type Target = HttpTarget | BusTarget | LogTarget | FileTarget;

export type RuleState = 'enabled' | 'disabled';

export interface RuleInput {
  description?: string;
  state?: RuleState;
  filter: Filter;
  targets?: Target[];
}

export interface Rule {
  bus: string;
  name: string;
  description: string | null;
  state: RuleState;
  filter: Filter;
  targets: Target[];
  createdAt: string;
  updatedAt: string;
  /** Pattern lint: data paths the event type's schema does not declare. */
  warnings?: { path: string; reason: string }[];
}

/** The answer of a pattern test: a match, or the first failing condition. */
export interface PatternTestResult {
  match: boolean;
  reason?: Record<string, unknown>;
}

/** The delivery state of one target of a rule. */
export interface TargetStatus {
  id: string;
  kind: string;
  state: RuleState;
  health: 'healthy' | 'failing' | 'disabled';
  breaker: { type: 'closed'; consecutiveFailures: number } | { type: 'open'; until: string } | { type: 'half-open' };
  failingSince: string | null;
  disabledAt: string | null;
  /** Deliveries this server's worker holds for the target now. */
  inFlight: number;
  /**
   * The target's queue: `pending` (not finished, not leased), `inFlight` (leased), `dead`; the
   * embedded store adds `waiting`, the part of `pending` queued behind its FIFO group's head.
   */
  deliveries: { pending: number; inFlight: number; dead: number; waiting?: number };
}

export interface SigningSecret {
  secret: string;
  createdAt: string;
  expiresAt: string | null;
}

/** A connection as the server shows it: secret fields are always "***". */
export type Connection = {
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
} & (
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'apiKey'; in: 'header' | 'query'; keyName: string; value: string }
  | { kind: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; audience?: string; clientAuth?: 'basic' | 'body' }
);

/** A connection to put; a secret field may be omitted to keep the stored one. */
export type ConnectionInput = { description?: string } & (
  | { kind: 'basic'; username: string; password?: string }
  | { kind: 'apiKey'; in: 'header' | 'query'; keyName: string; value?: string }
  | { kind: 'oauth2'; tokenUrl: string; clientId: string; clientSecret?: string; scope?: string; audience?: string; clientAuth?: 'basic' | 'body' }
);

/** An attribute of a source mapping: a JSONPath (`$…`), a constant, or a template rendered as text. */
export type MappingField = string | { value: string | number | boolean } | { template: string; variables?: Record<string, string> };

/** How a source turns a message into a CloudEvent (docs/sources.md#mapping). */
export interface SourceMapping {
  preset?: 'github' | 'gitlab' | 'stripe' | 'shopify' | 'slack' | 'standard-webhooks' | 'feishu' | 'dingtalk';
  id?: MappingField;
  type?: MappingField;
  source?: MappingField;
  subject?: MappingField;
  time?: MappingField;
  dataschema?: MappingField;
  extensions?: Record<string, MappingField>;
  /** A transformer (partial, template, constant); without one the body is the data, byte-exact. */
  data?: unknown;
  datacontenttype?: string;
}

/** How a webhook source verifies its requests; secrets come from the named connections. */
export type WebhookVerification =
  | { kind: 'github' | 'gitlab' | 'shopify' | 'basic' | 'bearer'; connection: string }
  | { kind: 'stripe' | 'slack' | 'standard-webhooks'; connection: string; toleranceSeconds?: number }
  | { kind: 'hmac'; connection: string; header: string; algorithm?: 'sha1' | 'sha256' | 'sha512'; encoding?: 'hex' | 'base64'; prefix?: string; signed?: string; timestampHeader?: string; toleranceSeconds?: number }
  | { kind: 'feishu'; connection?: string; tokenConnection?: string; toleranceSeconds?: number }
  | { kind: 'dingtalk'; connection: string; aesKeyConnection: string; receiveId?: string; toleranceSeconds?: number }
  | { kind: 'none' };

/** An event source to put: common fields and the kind's settings (a webhook's `verify`). */
export interface SourceInput {
  kind: string;
  bus: string;
  description?: string | null;
  state?: 'running' | 'paused';
  mapping?: SourceMapping | null;
  verify?: WebhookVerification;
  [setting: string]: unknown;
}

/** An event source as the server shows it: settings, status and counters; never a secret. */
export interface Source extends SourceInput {
  name: string;
  description: string | null;
  state: 'running' | 'paused';
  status: { state: 'running' | 'paused' | 'failing'; since: string; lastError?: string; lastRejection?: { at: string; reason: string } };
  counters: { received: number; put: number; rejected: number; lastEventAt: string | null };
  webhookPath?: string;
  createdAt: string;
  updatedAt: string;
}

export type CompatibilityMode = 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';

export interface Schema {
  name: string;
  source: string | null;
  description: string | null;
  compatibility: CompatibilityMode;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface SchemaVersion {
  name: string;
  source: string | null;
  version: number;
  dialect: '2020-12' | 'draft-07';
  schema: unknown;
  origin: 'api' | 'discovery';
  /** The version's URN, for an event's `dataschema`. */
  dataschema: string;
  createdAt: string;
}

export interface SchemaVersionInput {
  schema: unknown;
  dialect?: '2020-12' | 'draft-07';
  compatibility?: CompatibilityMode;
  description?: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  mode: string;
  against: number | null;
  breaks: { path: string; direction: string; reason: string }[];
}

export interface SchemaSettings {
  bus: string;
  validation: 'off' | 'warn' | 'enforce';
  discovery: boolean;
  sampleRate: number;
}

export type CodeLanguage = 'typescript' | 'python' | 'java' | 'go';

export interface DeadLetterSummary {
  /** Opaque: the delivery's id, stable across attempts and redrives. */
  id: string;
  bus: string;
  sequence: number;
  eventId: string;
  rule: string;
  target: string;
  group: string | null;
  createdAt: string;
  deadAt: string;
  attempts: number;
  lastError: string | null;
}

export interface DeliveryAttempt {
  at: string;
  durationMs: number;
  ok: boolean;
  status: number | null;
  errorClass: string | null;
  message: string | null;
  response: string | null;
}

export interface DeadLetter extends DeadLetterSummary {
  event: CloudEvent | null;
  payload: string | null;
  attemptLog: DeliveryAttempt[];
}

export interface DeadLetterFilter {
  bus?: string;
  rule?: string;
  target?: string;
  /** Dead-lettered at or after (RFC 3339, epoch ms or a Date). */
  from?: string | number | Date;
  to?: string | number | Date;
}

/** Which dead letters a redrive or purge applies to. */
export type DeadLetterSelection = { ids: string[] } | { filter: DeadLetterFilter } | { all: true };

/** One (bus, source, type) of the event catalogue (GET /v1/catalog). */
export interface CatalogEntry {
  bus: string;
  source: string;
  type: string;
  /** Events of the pair stored since the bus was created (retention does not lower it). */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The newest event of the pair; `event` is null when it is longer than 16 KiB (get it by `id`). */
  sample: { sequence: number; id: string; event: CloudEvent | null };
  /** The registered schema that applies, looked up when read; null when none. */
  schema: { name: string; source: string | null; latestVersion: number; dataschema: string; code: string } | null;
}

export interface CatalogQuery {
  bus?: string;
  /** Only sources starting with this. */
  source?: string;
  /** Only types starting with this. */
  type?: string;
}

/** A page of the catalogue; `overflow` names buses with events of types beyond the per-bus cap. */
export interface CatalogPage extends Page<CatalogEntry, string> {
  overflow: { bus: string; types: number; overflow: number }[];
}

export type DeliveryStateFilter = 'delivered' | 'pending' | 'retrying' | 'dead' | 'unmatched';

export interface EventQuery {
  type?: string;
  source?: string;
  subject?: string;
  from?: string | number | Date;
  to?: string | number | Date;
  after?: number;
  limit?: number;
  /** Full text: words that must all occur in the data. */
  q?: string;
  /** An event pattern the events must match. */
  pattern?: Record<string, unknown>;
  rule?: string;
  state?: DeliveryStateFilter;
}

export type FinalState = 'no-rule-matched' | 'delivered' | 'pending' | 'retrying' | 'dead' | 'no-deliveries';

/** One step of a trace's timeline, in time order. */
export type TimelineStep =
  | { at: string; step: 'received'; mode: string; size: number }
  | { at: string; step: 'matched'; rules: string[] }
  | { at: string; step: 'attempt'; rule: string; target: string; n: number; ok: boolean; status: number | null; durationMs: number; error: string | null; note?: string }
  | { at: string; step: 'delivered' | 'dead'; rule: string; target: string; reason?: string };

/** "What happened to my event?" (docs/observability.md). */
export interface Trace {
  bus: string;
  id: string;
  source: string;
  type: string;
  sequence: number;
  received: { at: string; size: number; mode: string; client: string | null; traceparent: string | null };
  validation: { result: 'valid' } | { result: 'schema-violations'; schema: string; violations: { path: string; reason: string }[] };
  rules: { matched: string[]; notMatched?: { rule: string; state: string; reason: Record<string, unknown> | null }[] };
  targets: {
    rule: string;
    target: string;
    state: string;
    payload: string | null;
    payloadTruncated: boolean;
    attempts: { at: string; ok: boolean; status: number | null; durationMs: number; [field: string]: unknown }[];
    lastError: string | null;
  }[];
  finalState: FinalState;
  timeline: TimelineStep[];
}

/** One violation of a problem: where (a JSON pointer or a field) and why. */
export interface Violation {
  path: string;
  reason: string;
  code?: string;
}

/** RFC 9457 problem details, as every Switchyard error is answered (docs/errors.md). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** A stable code, e.g. SWY_STORE_BUS_NOT_FOUND. */
  code: string;
  instance?: string;
  violations?: Violation[];
}
