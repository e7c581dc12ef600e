/**
 * The one configuration schema: every key, its type, default and unit. Loaded as
 * defaults < switchyard.yaml (--config) < SWITCHYARD_* env, validated, then frozen and passed
 * down. docs/config.md is generated from this schema (`npm run docs:config`).
 */
const KiB = 1024;
const MiB = 1024 * KiB;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1', description: 'Address to listen on. Anything but loopback requires auth.apiKeys.' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'TCP port (0 = any free port).' },
        shutdownTimeoutMs: { type: 'integer', minimum: 0, default: 10 * SECOND, description: 'Milliseconds to drain in-flight requests on SIGTERM before closing.' },
        maxHeaderCount: { type: 'integer', minimum: 10, default: 200, description: 'Requests with more headers are rejected with 431.' },
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        kind: { type: 'string', enum: ['sqlite', 'cluster'], default: 'sqlite', description: 'Storage backend. `sqlite` is the embedded store (one file, no setup); `cluster` runs this node as one of N identical nodes over NATS JetStream (the event log) and PostgreSQL (everything else): docs/cluster.md.' },
        dataDir: { type: 'string', minLength: 1, default: './data', description: 'Directory of the embedded store; created if missing (file switchyard.db).' },
        durability: { type: 'string', enum: ['process', 'fsync'], default: 'process', description: '`process`: an acknowledged event survives a process crash (WAL, synchronous=NORMAL). `fsync`: also survives power loss (synchronous=FULL).' },
        groupCommitMaxEvents: { type: 'integer', minimum: 1, default: 5000, description: 'Most events committed in one group-commit transaction.' },
        fullTextFlushMs: { type: 'integer', minimum: 1, maximum: 60 * SECOND, default: 100, description: 'Longest an appended event waits before the payload full-text index takes it (in batches; a text search indexes what is waiting first, so results stay exact).' },
        connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 300 * SECOND, default: 5 * SECOND, description: 'Cluster mode: how long a starting node waits for NATS and PostgreSQL before it refuses to start (5 s).' },
        nats: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            servers: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, default: ['nats://127.0.0.1:4222'], description: 'Cluster mode: the NATS servers (JetStream enabled) holding the event log. As an environment variable: a JSON array.' },
            streamPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: 64, default: 'SWITCHYARD', description: 'Cluster mode: the event log has one stream per bus, named `<prefix>_<bus>`; installations sharing a NATS account use different prefixes.' },
            replicas: { type: 'integer', minimum: 1, maximum: 5, default: 1, description: 'Cluster mode: replicas of each bus stream (3 on a JetStream cluster of 3 or more servers).' },
            requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 60 * SECOND, default: 5 * SECOND, description: 'Cluster mode: a JetStream publish acknowledgement or read that takes longer fails; the put answers 503 (and its retry is deduplicated).' },
          },
        },
        postgres: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            url: { type: 'string', minLength: 1, default: 'postgres://postgres@127.0.0.1:5432/postgres', description: 'Cluster mode: the PostgreSQL holding the catalog, the delivery queue, the search index and traces.' },
            schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'switchyard', description: 'Cluster mode: the PostgreSQL schema of the tables (created and migrated at start).' },
            poolSize: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'Cluster mode: connections in each node\'s PostgreSQL pool (plus one for LISTEN and one for the leader lock).' },
          },
        },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxEventBytes: { type: 'integer', minimum: 1 * KiB, default: 256 * KiB, description: 'Largest event in bytes (256 KiB).' },
        maxRequestBytes: { type: 'integer', minimum: 1 * KiB, default: 1 * MiB, description: 'Largest request body in bytes (1 MiB).' },
        maxBatchEvents: { type: 'integer', minimum: 1, default: 1000, description: 'Most events in one batch or PutEvents request.' },
        maxJsonDepth: { type: 'integer', minimum: 4, maximum: 1000, default: 64, description: 'Deepest JSON nesting accepted in an event.' },
        maxTransformOutputBytes: { type: 'integer', minimum: 1 * KiB, description: 'Largest transformer output in bytes (UTF-8). A template repeating a large value stops rendering past it: a 400 in a transform test, a dead letter at delivery; a constant or template text over it is refused when the rule is saved. Absent: limits.maxEventBytes.' },
      },
    },
    catalog: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxTypesPerBus: { type: 'integer', minimum: 1, maximum: 1000000, default: 5000, description: 'Most (source, type) pairs the event catalogue (GET /v1/catalog) lists per bus. Events of a pair first seen beyond it are stored as usual and counted in the bus\'s `overflow`, without a row of their own.' },
      },
    },
    ingest: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dedupeWindowMs: { type: 'integer', minimum: 0, default: 1 * DAY, description: 'Milliseconds during which a repeated (source, id) on a bus is answered as a duplicate and not stored again (24 h). 0 disables.' },
        maxDelayMs: { type: 'integer', minimum: 0, default: 7 * DAY, description: 'Longest a producer may delay an event\'s deliveries (the `deliverat` extension or a PutEvents entry\'s `delayMs`; docs/delay-and-transactions.md): 7 days. Later is refused with a 400. 0 refuses every delay.' },
      },
    },
    transactions: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        checkAfterMs: { type: 'integer', minimum: 100, maximum: 7 * DAY, default: 1 * MINUTE, description: 'Default time an open transaction waits before Switchyard checks back with its producer (a begin may set its own `checkAfterMs`), and between check-backs answered "unknown" (1 min).' },
        maxChecks: { type: 'integer', minimum: 0, maximum: 1000, default: 15, description: 'Check-backs of one transaction before `defaultOutcome` applies.' },
        defaultOutcome: { type: 'string', enum: ['rollback', 'commit'], default: 'rollback', description: 'What happens to a transaction whose check-backs are used up (or that has no check URL once it is due).' },
        maxEvents: { type: 'integer', minimum: 1, maximum: 1000000, default: 10000, description: 'Most events one transaction holds; a put past it is refused with a 400.' },
        maxOpen: { type: 'integer', minimum: 1, maximum: 10000000, default: 10000, description: 'Most transactions open at once (every bus); a begin past it is refused with 429.' },
        checkIntervalMs: { type: 'integer', minimum: 10, maximum: 1 * MINUTE, default: 1 * SECOND, description: 'How often the check-back scheduler looks for transactions that fell due.' },
        checkTimeoutMs: { type: 'integer', minimum: 100, maximum: 1 * MINUTE, default: 5 * SECOND, description: 'Timeout of one check-back request; a timeout counts as "unknown".' },
      },
    },
    scheduler: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Run the scheduler on this node (docs/scheduler.md). Several nodes may run it: each fire is stored once.' },
        misfireGraceMs: { type: 'integer', minimum: 0, maximum: 1 * DAY, default: 1 * MINUTE, description: 'How late (after its flexible window) a fire may be put and still count as on time; older fires are missed and follow the schedule\'s catchUp policy (1 minute).' },
      },
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        defaultMaxAgeMs: { type: 'integer', minimum: 1 * MINUTE, default: 7 * DAY, description: 'Default retention age for new buses in milliseconds (7 days).' },
        sweepIntervalMs: { type: 'integer', minimum: 100, default: 1 * MINUTE, description: 'How often the retention sweep runs (1 minute).' },
        sweepBatch: { type: 'integer', minimum: 1, default: 10000, description: 'Most events deleted per bus per sweep transaction.' },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        apiKeys: {
          type: 'object',
          default: {},
          description: 'API keys: key → list of scopes (`admin`, `put`, `read`). Sent as `Authorization: Bearer <key>`. When set, every /v1 call needs a key.',
          additionalProperties: { type: 'array', items: { type: 'string', enum: ['admin', 'put', 'read'] }, minItems: 1 },
          propertyNames: { minLength: 16 },
        },
        awsAccessKeys: {
          type: 'object',
          default: {},
          description: 'Access keys of the AWS EventBridge API (docs/aws-compatibility.md): access key id → secret access key. When set, every AWS call needs a valid SigV4 signature by one of them; off loopback the AWS API answers only signed calls, so it needs them.',
          additionalProperties: { type: 'string', minLength: 16 },
          propertyNames: { pattern: '^[A-Za-z0-9]{16,128}$' },
        },
      },
    },
    aws: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Serve the AWS EventBridge API (JSON 1.1, `POST /` with `X-Amz-Target: AWSEvents.*`; docs/aws-compatibility.md).' },
        account: { type: 'string', pattern: '^\\d{12}$', default: '000000000000', description: 'Account id written into ARNs and the `account` of events put through the AWS API.' },
        region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$', default: 'us-east-1', description: 'Region written into ARNs and the `region` of events put through the AWS API.' },
      },
    },
    delivery: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        secretKey: { type: 'string', minLength: 1, description: 'Key sealing connection and signing secrets at rest (AES-256-GCM): 32 bytes in base64. Absent: generated once into `<dataDir>/delivery-secret.key` (mode 0600). Losing it makes stored secrets unreadable.' },
        allowPrivateNetworks: { type: 'string', enum: ['auto', 'true', 'false'], default: 'auto', description: 'Whether http targets (and OAuth2 token endpoints) may reach loopback, private, link-local, CGNAT or metadata addresses. `auto`: only while server.host is loopback (local development).' },
        fileDirectory: { type: 'string', minLength: 1, description: 'Directory file targets write under (their `path` is relative to it). Absent: `<dataDir>/files`.' },
        pollIntervalMs: { type: 'integer', minimum: 10, maximum: 60 * SECOND, default: 1 * SECOND, description: 'Longest a target waits before looking for retries that fell due (1 s). New deliveries are sent at once, not on this tick, and rule changes apply at once (the catalog\'s change feed).' },
        leaseMs: { type: 'integer', minimum: 1 * SECOND, default: 2 * MINUTE, description: 'How long a leased delivery (buffered or being sent) is hidden from other sends before it is leased again (2 min); at least the target timeout plus its batch window and a margin is used. The embedded store ends the leases of a crashed process when it opens the data directory.' },
        defaultConcurrency: { type: 'integer', minimum: 1, maximum: 1024, default: 32, description: 'Sends in flight per unordered target when the target sets no `concurrency`.' },
        disableAfterMs: { type: 'integer', minimum: 1 * SECOND, default: 3 * DAY, description: 'A target failing without a single success this long is disabled (3 days); its deliveries are dead-lettered until it is re-enabled.' },
        breakerFailureThreshold: { type: 'integer', minimum: 1, maximum: 10000, default: 5, description: 'Consecutive failed attempts that open a target\'s circuit breaker, unless the target sets `circuitBreaker.failureThreshold`.' },
        breakerOpenMs: { type: 'integer', minimum: 100, maximum: 1 * HOUR, default: 30 * SECOND, description: 'How long an open circuit breaker stays open before one probe is let through (30 s), unless the target sets `circuitBreaker.openMs`.' },
        keepDeliveredMs: { type: 'integer', minimum: 0, default: 7 * DAY, description: 'Delivered deliveries and their attempts are kept this long for traces, then swept (7 days). Dead letters are kept until purged.' },
        shutdownGraceMs: { type: 'integer', minimum: 0, default: 5 * SECOND, description: 'On shutdown, sends in flight get this long to finish before they are aborted (their deliveries are sent again after restart).' },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'Log level of the JSON logs on stdout.' },
      },
    },
    observe: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        metrics: { type: 'boolean', default: true, description: 'Serve Prometheus metrics at /metrics (docs/metrics.md). Off: no metric is counted.' },
        processMetrics: { type: 'boolean', default: true, description: 'Include process and Node.js runtime metrics (CPU, memory, event loop lag, GC) in /metrics.' },
        searchMaxScan: { type: 'integer', minimum: 100, default: 10000, description: 'Most events examined per search page when a `pattern` filters (a page may then be short, with a `next` cursor).' },
        tracePayloadBytes: { type: 'integer', minimum: 64, default: 4 * KiB, description: 'Longest transformed payload shown per target in a trace, in characters (4 KiB).' },
        streamHeartbeatMs: { type: 'integer', minimum: 100, default: 15 * SECOND, description: 'Live tail (SSE): a comment line is sent after this long without events, and the store is re-read.' },
        otlpEndpoint: { type: 'string', pattern: '^(|https?://.+)$', default: '', description: 'OTLP/HTTP collector base URL (spans are posted to <endpoint>/v1/traces, encoded per observe.otlpProtocol). Empty: no spans are recorded or sent (unless observe.otlpTracesEndpoint is set). Unset: `OTEL_EXPORTER_OTLP_ENDPOINT`.' },
        otlpTracesEndpoint: { type: 'string', pattern: '^(|https?://.+)$', default: '', description: 'Full URL spans are posted to, used as is (no /v1/traces appended); wins over observe.otlpEndpoint. Unset: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.' },
        otlpHeaders: { type: 'object', default: {}, additionalProperties: { type: 'string' }, propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$" }, description: 'Headers sent with every span export (e.g. a hosted backend\'s API key): name → value. Unset: `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, else `OTEL_EXPORTER_OTLP_HEADERS` (`k1=v1,k2=v2`, values percent-decoded).' },
        otlpResourceAttributes: { type: 'object', default: {}, additionalProperties: { type: 'string' }, description: 'Resource attributes of exported spans besides service.name (e.g. deployment.environment.name). Unset: `OTEL_RESOURCE_ATTRIBUTES` (`k1=v1,k2=v2`).' },
        otlpSampler: { type: 'string', enum: ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], default: 'parentbased_always_on', description: 'Which traces get spans (OpenTelemetry sampler names): parentbased_* follow the producer\'s sampled flag and use the rest for new traces. Unset: `OTEL_TRACES_SAMPLER`.' },
        otlpSamplerArg: { type: 'number', minimum: 0, maximum: 1, default: 1, description: 'Ratio of the traceidratio samplers, 0 to 1. Unset: `OTEL_TRACES_SAMPLER_ARG`.' },
        otlpProtocol: { type: 'string', enum: ['http/protobuf', 'http/json'], default: 'http/protobuf', description: 'Encoding of exported spans: binary protobuf (application/x-protobuf, the OTLP default every collector accepts) or protobuf-JSON (application/json). Unset: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`.' },
        otlpServiceName: { type: 'string', minLength: 1, default: 'switchyard', description: 'service.name resource attribute of exported spans. Unset: `OTEL_SERVICE_NAME`, else `service.name` of `OTEL_RESOURCE_ATTRIBUTES`.' },
        otlpFlushIntervalMs: { type: 'integer', minimum: 10, default: 1 * SECOND, description: 'Longest a span waits before its batch is exported.' },
        otlpMaxBatch: { type: 'integer', minimum: 1, default: 512, description: 'Most spans per export request.' },
        otlpTimeoutMs: { type: 'integer', minimum: 100, default: 5 * SECOND, description: 'Timeout of one export request. Unset: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT` (ms).' },
        systemEvents: { type: 'boolean', default: true, description: 'Put Switchyard\'s own events (rule changes, dead letters, target disabled, circuit changes) on the protected bus switchyard.system.' },
      },
    },
  },
} as const;

export type OtlpSampler = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface Config {
  readonly server: { readonly host: string; readonly port: number; readonly shutdownTimeoutMs: number; readonly maxHeaderCount: number };
  readonly storage: {
    readonly kind: 'sqlite' | 'cluster'; readonly dataDir: string; readonly durability: 'process' | 'fsync'; readonly groupCommitMaxEvents: number; readonly fullTextFlushMs: number;
    readonly connectTimeoutMs: number;
    readonly nats: { readonly servers: readonly string[]; readonly streamPrefix: string; readonly replicas: number; readonly requestTimeoutMs: number };
    readonly postgres: { readonly url: string; readonly schema: string; readonly poolSize: number };
  };
  readonly limits: { readonly maxEventBytes: number; readonly maxRequestBytes: number; readonly maxBatchEvents: number; readonly maxJsonDepth: number; readonly maxTransformOutputBytes?: number };
  readonly catalog: { readonly maxTypesPerBus: number };
  readonly ingest: { readonly dedupeWindowMs: number; readonly maxDelayMs: number };
  readonly transactions: {
    readonly checkAfterMs: number; readonly maxChecks: number; readonly defaultOutcome: 'rollback' | 'commit';
    readonly maxEvents: number; readonly maxOpen: number; readonly checkIntervalMs: number; readonly checkTimeoutMs: number;
  };
  readonly retention: { readonly defaultMaxAgeMs: number; readonly sweepIntervalMs: number; readonly sweepBatch: number };
  readonly scheduler: { readonly enabled: boolean; readonly misfireGraceMs: number };
  readonly auth: { readonly apiKeys: Readonly<Record<string, readonly ('admin' | 'put' | 'read')[]>>; readonly awsAccessKeys: Readonly<Record<string, string>> };
  readonly aws: { readonly enabled: boolean; readonly account: string; readonly region: string };
  readonly delivery: {
    readonly secretKey?: string; readonly allowPrivateNetworks: 'auto' | 'true' | 'false'; readonly fileDirectory?: string;
    readonly pollIntervalMs: number; readonly leaseMs: number; readonly defaultConcurrency: number; readonly disableAfterMs: number;
    readonly breakerFailureThreshold: number; readonly breakerOpenMs: number; readonly keepDeliveredMs: number; readonly shutdownGraceMs: number;
  };
  readonly log: { readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  readonly observe: {
    readonly metrics: boolean; readonly processMetrics: boolean; readonly searchMaxScan: number; readonly tracePayloadBytes: number;
    readonly streamHeartbeatMs: number; readonly otlpEndpoint: string; readonly otlpTracesEndpoint: string;
    readonly otlpHeaders: Readonly<Record<string, string>>; readonly otlpResourceAttributes: Readonly<Record<string, string>>;
    readonly otlpSampler: OtlpSampler; readonly otlpSamplerArg: number; readonly otlpProtocol: 'http/protobuf' | 'http/json'; readonly otlpServiceName: string; readonly otlpFlushIntervalMs: number;
    readonly otlpMaxBatch: number; readonly otlpTimeoutMs: number; readonly systemEvents: boolean;
  };
}
