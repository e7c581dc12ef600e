import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { SwitchyardError } from '../core/index.js';
import type { IngestService, RuleRouter } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { installProblemHandler, sendProblem } from './problem-handler.js';
import { swaggerOptions } from './openapi.js';
import { installAuth, type Scope } from './auth.js';
import { eventRoutes } from './routes/events.js';
import { busRoutes } from './routes/buses.js';
import { healthRoutes, type Readiness } from './routes/health.js';
import { transformRoutes } from './routes/transforms.js';
import { parseTargets, ruleRoutes } from './routes/rules.js';
import { awsRoutes } from './aws/index.js';
import type { Clock } from '../core/index.js';
import { patternRoutes } from './routes/patterns.js';
import { lintRuleFilter, schemaRoutes } from './routes/schemas.js';
import type { SchemaRegistry } from '../schemas/index.js';
import { connectionRoutes, type ConnectionRouteDeps } from './routes/connections.js';
import { scheduleRoutes, type ScheduleRouteDeps } from './routes/schedules.js';
import type { EventFeed, SwitchyardMetrics, Tracer } from '../observe/index.js';
import { traceRoutes } from './routes/trace.js';
import { streamRoutes } from './routes/stream.js';
import { installMetrics } from './routes/metrics.js';
import { installIngestSpans } from './routes/spans.js';
import { targetStateRoutes, type DeliveryRouteDeps } from './routes/target-state.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { installValidators } from './validators.js';
import { installJsonBodyParser } from './json-body.js';
import { whoamiRoutes } from './routes/whoami.js';
import { consoleRoutes, defaultConsoleDir } from './routes/console.js';
import { catalogRoutes } from './routes/catalog.js';
import { replayRoutes } from './routes/replays.js';
import { archiveRoutes } from './routes/archives.js';
import type { ArchiveService, ReplayService } from '../streams/index.js';
import type { DurableConsumers, PullQueues } from '../streams/index.js';
import { queueRoutes } from './routes/queues.js';
import { consumerRoutes } from './routes/consumers.js';
import { transactionRoutes, type TransactionRouteDeps } from './routes/transactions.js';
import { sourceRoutes } from './routes/sources.js';
import { sourceDeadLetterRoutes } from './routes/source-dead-letters.js';
import type { SourceManager } from '../sources/index.js';

/** Observability wiring (src/observe): search, trace, live tail, metrics, system events. */
export interface ApiObserveDeps {
  readonly feed: EventFeed;
  readonly metrics?: SwitchyardMetrics | undefined;
  /** Span export (OTLP); undefined when off. */
  readonly tracer?: Tracer | undefined;
  readonly searchMaxScan: number;
  readonly tracePayloadBytes: number;
  readonly streamHeartbeatMs: number;
}

export interface ApiDeps {
  readonly store: Store;
  readonly ingest: IngestService;
  readonly router: RuleRouter;
  readonly readiness: Readiness;
  readonly apiKeys: Readonly<Record<string, readonly Scope[]>>;
  readonly maxRequestBytes: number;
  readonly maxHeaderCount: number;
  /** Largest transformer output (limits.maxTransformOutputBytes, else limits.maxEventBytes). */
  readonly maxTransformOutputBytes: number;
  /** Deepest JSON nesting of an event (limits.maxJsonDepth). */
  readonly maxJsonDepth: number;
  readonly defaultRetentionMaxAgeMs: number;
  readonly version: string;
  /** The schema registry (docs/schemas.md). */
  readonly schemas: SchemaRegistry;
  /** Connections and signing secrets; the routes exist only when given. */
  readonly connections?: ConnectionRouteDeps;
  /** Search, trace, tail, /metrics and system events; without it only plain listing is served. */
  readonly observe?: ApiObserveDeps;
  /** Schedules (docs/scheduler.md); the routes exist only when given. */
  readonly schedules?: ScheduleRouteDeps;
  /** The dispatcher: dead letters and target state; the routes exist only when given. */
  readonly delivery?: DeliveryRouteDeps;
  /** The web console's build folder (default: dist/console of this checkout). */
  readonly consoleDir?: string;
  /** The AWS EventBridge API (`POST /`, docs/aws-compatibility.md); served only when given. */
  readonly aws?: AwsApiSettings;
  /** Replays and archives (docs/replay.md); their routes are absent without them. */
  readonly replay?: { readonly replays: ReplayService; readonly archives: ArchiveService };
  /** Pull queues and durable consumers (docs/queues.md, docs/consumers.md); the routes exist only when given. */
  readonly streams?: { readonly queues: PullQueues; readonly consumers: DurableConsumers };
  /** Transactional messages (docs/delay-and-transactions.md); the routes exist only when given. */
  readonly transactions?: TransactionRouteDeps;
  /** Event sources (docs/sources.md); the routes exist only when given. */
  readonly sources?: SourceManager;
}

export interface AwsApiSettings {
  readonly account: string;
  readonly region: string;
  /** Access key id → secret access key; with any, every call must be SigV4-signed by one. */
  readonly accessKeys: Readonly<Record<string, string>>;
  /** True when unsigned calls are allowed: no access keys and a loopback listen address. */
  readonly open: boolean;
  readonly maxEventBytes: number;
  readonly clock: Clock;
}

/** True for an absent or `identity` coding (RFC 9110 §8.4): a list like `identity, identity` included. */
function isIdentity(header: string): boolean {
  return header.split(',').every((c) => {
    const t = c.trim().toLowerCase();
    return t === '' || t === 'identity';
  });
}

/**
 * Bodies are read as sent: a compressed body would reach the JSON parser or the CloudEvents codec
 * as bytes it cannot read (or, in binary mode, be stored as the event's data), so any coding is
 * refused up front with the coding named.
 */
function unsupportedEncoding(header: string): SwitchyardError {
  const shown = header.length > 64 ? `${header.slice(0, 64)}…` : header;
  return new SwitchyardError('SWY_API_UNSUPPORTED_ENCODING', `Content-Encoding "${shown}" is not supported; send the body uncompressed (identity)`, {
    violations: [{ path: 'content-encoding', reason: `"${shown}" is not supported; only identity is accepted` }],
  });
}

/** Registers every route, the auth hook and the problem+json error handling on `app`. */
export async function buildApi(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(swagger, swaggerOptions(deps.version));
  installProblemHandler(app, { storageFault: (err) => deps.store.writes.classify(err) });
  installValidators(app);
  // Management routes take JSON only; the put route has its own any-bytes parser.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app, deps.maxJsonDepth);
  // Callback hooks, not async ones: they run on every put, and a promise per request costs.
  app.addHook('onRequest', (req, reply, done) => {
    if (req.raw.rawHeaders.length / 2 > deps.maxHeaderCount) {
      sendProblem(reply, new SwitchyardError('SWY_API_TOO_MANY_HEADERS', `more than ${deps.maxHeaderCount} headers`), req.url);
      return;
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && !isIdentity(encoding)) {
      sendProblem(reply, unsupportedEncoding(encoding), req.url);
      return;
    }
    done();
  });
  installAuth(app, deps.apiKeys);
  const o = deps.observe;
  if (o?.metrics !== undefined) installMetrics(app, o.metrics);
  if (o?.tracer !== undefined) installIngestSpans(app, o.tracer);
  if (o !== undefined) {
    await app.register(traceRoutes, { store: deps.store, payloadLimit: o.tracePayloadBytes, maxTransformOutputBytes: deps.maxTransformOutputBytes });
    await app.register(streamRoutes, { store: deps.store, feed: o.feed, heartbeatMs: o.streamHeartbeatMs });
  }
  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(eventRoutes, { ingest: deps.ingest, store: deps.store, maxRequestBytes: deps.maxRequestBytes, searchMaxScan: o?.searchMaxScan });
  await app.register(busRoutes, { store: deps.store, defaultMaxAgeMs: deps.defaultRetentionMaxAgeMs });
  await app.register(ruleRoutes, { store: deps.store, router: deps.router, lint: (filter) => lintRuleFilter(deps.schemas, filter), maxTransformOutputBytes: deps.maxTransformOutputBytes });
  await app.register(schemaRoutes, { store: deps.store, registry: deps.schemas, version: deps.version });
  await app.register(catalogRoutes, { store: deps.store, registry: deps.schemas });
  await app.register(transformRoutes, { maxOutputBytes: deps.maxTransformOutputBytes, maxEventDepth: deps.maxJsonDepth });
  await app.register(patternRoutes);
  if (deps.connections !== undefined) await app.register(connectionRoutes, { ...deps.connections, store: deps.store });
  if (deps.schedules !== undefined) await app.register(scheduleRoutes, { ...deps.schedules, store: deps.store });
  if (deps.delivery !== undefined) {
    await app.register(deadLetterRoutes, { store: deps.store, clock: deps.delivery.clock });
    await app.register(targetStateRoutes, { ...deps.delivery, store: deps.store });
  }
  if (deps.replay !== undefined) {
    await app.register(replayRoutes, { replays: deps.replay.replays });
    await app.register(archiveRoutes, { archives: deps.replay.archives });
  }
  if (deps.streams !== undefined) {
    await app.register(queueRoutes, { store: deps.store, queues: deps.streams.queues });
    await app.register(consumerRoutes, { consumers: deps.streams.consumers });
  }
  if (deps.transactions !== undefined) await app.register(transactionRoutes, deps.transactions);
  if (deps.sources !== undefined) await app.register(sourceRoutes, { sources: deps.sources, maxRequestBytes: deps.maxRequestBytes });
  if (deps.sources !== undefined) await app.register(sourceDeadLetterRoutes, { store: deps.store });
  await app.register(whoamiRoutes, { apiKeys: deps.apiKeys });
  await app.register(consoleRoutes, { dir: deps.consoleDir ?? defaultConsoleDir });
  if (deps.aws !== undefined) {
    const a = deps.aws;
    await app.register(awsRoutes, {
      accessKeys: a.accessKeys, open: a.open, maxRequestBytes: deps.maxRequestBytes, clock: a.clock,
      context: {
        catalog: { buses: deps.store.catalog.buses, rules: deps.store.catalog.rules },
        ingest: deps.ingest,
        validateFilter: (filter) => deps.router.validate(filter),
        parseTargets: (targets) => parseTargets(targets, deps.maxTransformOutputBytes),
        scope: { account: a.account, region: a.region },
        clock: a.clock,
        maxEventBytes: a.maxEventBytes,
        maxJsonDepth: deps.maxJsonDepth,
        defaultRetentionMaxAgeMs: deps.defaultRetentionMaxAgeMs,
      },
    });
  }
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
