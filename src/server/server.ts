import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { isLoopback, type Config } from '../config/index.js';
import { systemClock, type Clock } from '../core/index.js';
import { APPEND_WRITER, CatalogView, createStore, isStoreUnavailable, RetentionSweeper, SYSTEM_BUS, type Store } from '../store/index.js';
import { IngestService, RuleRouter, TransactionChecker, TransactionService, checkSigningRef, followRules, settledOutcomes } from '../ingest/index.js';
import { newBusMatcher } from './matcher-factory.js';
import { createObservability, type Observability } from '../observe/index.js';
import { SchemaDiscovery, SchemaRegistry, SchemaValidator, type SchemaCheck } from '../schemas/index.js';
import { buildApi, clientErrorHandler, frameworkErrors, MAX_PATH_SEGMENT } from '../api/index.js';
import { createDeliveryWiring, type DeliveryWiring } from './delivery-wiring.js';
import { followSchemaChanges } from './schema-sync.js';
import { ArchiveService, ReplayRunner, ReplayService } from '../streams/index.js';
import { DurableConsumers, PullQueues } from '../streams/index.js';
import { DEFAULT_LOCK_MS, DEFAULT_MAX_RECEIVES } from '../delivery/index.js';
import { createSources } from './source-wiring.js';
import { Scheduler, type SourceManager } from '../sources/index.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ServerOptions {
  readonly clock?: Clock;
  /** Log destination; stdout by default (pino JSON lines). */
  readonly logStream?: NodeJS.WritableStream;
}

/**
 * Wires config → store → ingest → API. Constructing does no I/O; `start` opens the store and
 * listens; `stop` stops accepting, drains in-flight requests and puts, then closes the store.
 */
export class SwitchyardServer {
  readonly config: Config;
  readonly #clock: Clock;
  readonly #logStream: NodeJS.WritableStream | undefined;
  #app: FastifyInstance | undefined;
  #store: Store | undefined;
  #view: CatalogView | undefined;
  #ingest: IngestService | undefined;
  #sweeper: RetentionSweeper | undefined;
  #checker: TransactionChecker | undefined;
  #observe: Observability | undefined;
  #delivery: DeliveryWiring | undefined;
  #replays: ReplayRunner | undefined;
  #streams: { queues: PullQueues; consumers: DurableConsumers } | undefined;
  #scheduler: Scheduler | undefined;
  #sources: SourceManager | undefined;
  #ready = false;
  #stopping: Promise<void> | undefined;

  constructor(config: Config, options: ServerOptions = {}) {
    this.config = config;
    this.#clock = options.clock ?? systemClock;
    this.#logStream = options.logStream;
  }

  get app(): FastifyInstance {
    if (this.#app === undefined) throw new Error('server not started');
    return this.#app;
  }

  get store(): Store {
    if (this.#store === undefined) throw new Error('server not started');
    return this.#store;
  }

  /** The delivery side (dispatcher, connections, signing keys), once started. */
  get delivery(): DeliveryWiring {
    if (this.#delivery === undefined) throw new Error('server not started');
    return this.#delivery;
  }

  /** The replay runner, once started (tests wait on it). */
  get replayRunner(): ReplayRunner {
    if (this.#replays === undefined) throw new Error('server not started');
    return this.#replays;
  }

  /** Pull queues and durable consumers (src/streams), once started. */
  get streams(): { readonly queues: PullQueues; readonly consumers: DurableConsumers } {
    if (this.#streams === undefined) throw new Error('server not started');
    return this.#streams;
  }

  /** The check-back scheduler of transactions, once started (tests run its rounds with `tick`). */
  get transactionChecker(): TransactionChecker {
    if (this.#checker === undefined) throw new Error('server not started');
    return this.#checker;
  }

  /** The scheduler (docs/scheduler.md), once started; undefined when scheduler.enabled is false. */
  get scheduler(): Scheduler | undefined {
    return this.#scheduler;
  }

  /** The base URL once listening, e.g. http://127.0.0.1:8080. */
  get url(): string {
    const addr = this.app.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('server not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  async start(): Promise<void> {
    const c = this.config;
    const app = Fastify({
      logger: { level: c.log.level, ...(this.#logStream === undefined ? {} : { stream: this.#logStream }) },
      bodyLimit: c.limits.maxRequestBytes,
      routerOptions: { maxParamLength: MAX_PATH_SEGMENT },
      // Routing errors (a segment over that, an undecodable path) as problem+json too.
      frameworkErrors,
      forceCloseConnections: false,
      return503OnClosing: true,
      // One log line per request halves ingest throughput; failures are logged by the error handler.
      logController: new LogController({ disableRequestLogging: true }),
      clientErrorHandler,
      // Route schema validators (JSON bodies strict, text parts coerced): src/api/validators.ts.
    });
    this.#app = app;
    this.#store = await createStore(c, this.#clock, app.log);
    // Buses and rules in memory, following the catalog's change feed for the life of the store:
    // the put path's bus directory, and the rules the router and the dispatcher read.
    const view = await CatalogView.open(this.#store.catalog, app.log);
    this.#view = view;
    const router = new RuleRouter(newBusMatcher);
    followRules(router, view, (err, rule) => app.log.error({ err, bus: rule.bus, rule: rule.name }, 'a stored rule does not compile; it routes nothing'));
    const schemas = new SchemaRegistry(this.#store.catalog.schemas);
    followSchemaChanges(schemas, this.#store.catalog);
    await schemas.load();
    const obs = await createObservability(c.observe, {
      store: this.#store, rules: view, log: app.log, now: () => this.#clock.now(),
      publisher: {
        publish: async (events) => {
          const outcomes = await this.#started().put(SYSTEM_BUS, events, { kind: 'system' });
          return { refused: outcomes.flatMap((o) => (o.type === 'refused' ? [`${o.code}: ${o.message}`] : [])) };
        },
      },
    });
    this.#observe = obs;
    const put: IngestService['put'] = (bus, events, origin, options) => this.#started().put(bus, events, origin, options);
    const delivery = createDeliveryWiring(c, { store: this.#store, rules: view, clock: this.#clock, log: app.log, put, observer: obs.delivery, ...(this.#logStream === undefined ? {} : { logSink: this.#logStream }) });
    this.#delivery = delivery;
    // Archives are routed at ingest (the put path names the archives an event goes to); a deleted
    // bus took its archives with it in the store.
    const archives = new ArchiveService(this.#store);
    await archives.load();
    view.watch((change) => {
      if (change.type === 'bus' && change.op === 'delete') archives.busDeleted(change.bus);
    });
    const replayRunner = new ReplayRunner({ store: this.#store, view, clock: this.#clock, log: app.log });
    this.#replays = replayRunner;
    const replays = new ReplayService({ store: this.#store, view, runner: replayRunner, clock: this.#clock });
    this.#ingest = new IngestService({
      archives: archives.router,
      store: this.#store,
      buses: view,
      router,
      planner: router,
      observer: obs.observer,
      validator: new SchemaValidator(schemas, {
        discovery: new SchemaDiscovery(schemas),
        ...(this.#store.coordination === undefined ? {} : { leading: ((co) => () => co.leading())(this.#store.coordination) }),
        ...(obs.metrics === undefined ? {} : { onCheck: (bus: string, check: SchemaCheck) => obs.metrics?.schemaChecked(bus, check.mode, check.violations.length === 0) }),
      }),
      limits: {
        maxEventBytes: c.limits.maxEventBytes, maxBatchEvents: c.limits.maxBatchEvents, maxJsonDepth: c.limits.maxJsonDepth,
        maxDelayMs: c.ingest.maxDelayMs, maxTransactionEvents: c.transactions.maxEvents,
      },
      clock: this.#clock,
    });
    // Transactional messages: begin/commit/rollback, and the check-back scheduler (docs/delay-and-transactions.md).
    const transactions = new TransactionService({
      store: this.#store, buses: view, router, planner: router, observer: obs.observer, clock: this.#clock,
      settings: { checkAfterMs: c.transactions.checkAfterMs, maxOpen: c.transactions.maxOpen },
    });
    this.#checker = new TransactionChecker({
      store: this.#store, transactions, secrets: delivery.keyring, clock: this.#clock, log: app.log,
      settings: {
        maxChecks: c.transactions.maxChecks, defaultOutcome: c.transactions.defaultOutcome, checkIntervalMs: c.transactions.checkIntervalMs,
        checkTimeoutMs: c.transactions.checkTimeoutMs, allowPrivateNetworks: delivery.allowPrivateNetworks, keepEndedMs: c.delivery.keepDeliveredMs,
      },
    });
    const streams = {
      queues: new PullQueues({
        deliveries: this.#store.deliveries, rules: view, clock: this.#clock, defaults: { lockMs: DEFAULT_LOCK_MS, maxReceives: DEFAULT_MAX_RECEIVES },
        ...(obs.metrics === undefined ? {} : { observer: obs.metrics.queues }),
      }),
      consumers: new DurableConsumers({ store: this.#store, clock: this.#clock, appends: obs.feed }),
    };
    this.#streams = streams;
    const store = this.#store;
    obs.metrics?.setStreamsSource(async () => {
      const queues = [];
      const consumers = [];
      for (const { name: b, nextSequence } of await store.catalog.buses.list()) {
        for (const q of await streams.queues.list(b)) queues.push({ bus: b, queue: q.name, ...q.counts });
        for (const c of await store.consumers.list(b)) consumers.push({ bus: b, consumer: c.name, lag: Math.max(0, nextSequence - 1 - c.offset) });
      }
      return { queues, consumers };
    });
    const ingest = this.#ingest;
    this.#scheduler = !c.scheduler.enabled ? undefined : new Scheduler({
      catalog: this.#store.catalog, clock: this.#clock, log: app.log, graceMs: c.scheduler.misfireGraceMs,
      put: async (bus, events, origin) => settledOutcomes(await ingest.put(bus, events, origin)),
    });
    const sources = createSources(c, { store: this.#store, put, vault: delivery.vault, clock: this.#clock, log: app.log, observe: obs });
    this.#sources = sources;
    await buildApi(app, {
      store: this.#store,
      ingest: this.#ingest,
      router,
      // Not ready while puts fail for a storage fault: a put failing that way, or the store's free-space
      // probe, flips it; a put that succeeds or the probe passing flips it back (docs/operations.md).
      readiness: { status: () => (!this.#ready ? 'draining' : this.#store?.writes.failing(APPEND_WRITER) !== undefined ? 'store-unwritable' : 'ready') },
      apiKeys: c.auth.apiKeys,
      maxRequestBytes: c.limits.maxRequestBytes,
      maxHeaderCount: c.server.maxHeaderCount,
      maxTransformOutputBytes: c.limits.maxTransformOutputBytes ?? c.limits.maxEventBytes,
      maxJsonDepth: c.limits.maxJsonDepth,
      defaultRetentionMaxAgeMs: c.retention.defaultMaxAgeMs,
      version,
      observe: obs.api,
      schemas,
      connections: { vault: delivery.vault, keyring: delivery.keyring, clock: this.#clock },
      delivery: { dispatcher: delivery.dispatcher, clock: this.#clock },
      replay: { replays, archives },
      streams,
      transactions: { transactions, checkSecrets: { activeSecrets: (bus) => delivery.keyring.activeSecrets(checkSigningRef(bus), this.#clock.now()) } },
      schedules: { clock: this.#clock, maxEventBytes: c.limits.maxEventBytes, status: (name) => this.#scheduler?.status(name) },
      sources,
      aws: !c.aws.enabled ? undefined : {
        account: c.aws.account, region: c.aws.region, accessKeys: c.auth.awsAccessKeys, clock: this.#clock,
        open: Object.keys(c.auth.awsAccessKeys).length === 0 && isLoopback(c.server.host), maxEventBytes: c.limits.maxEventBytes,
      },
    });
    const log = app.log;
    // A backend without housekeeping keeps its data bounded by its own means: no sweeper.
    this.#sweeper = this.#store.housekeeping === undefined ? undefined : new RetentionSweeper(this.#store.housekeeping, c.retention.sweepIntervalMs, {
      // A storage fault is logged once by the store when writes start failing, not at every sweep.
      onError: (err) => {
        if (!isStoreUnavailable(err)) log.error({ err }, 'retention sweep failed');
      },
      onSwept: (n) => log.info({ deleted: n }, 'retention sweep'),
    });
    await delivery.start();
    // Replays left running by a previous process resume after their cursor.
    await replayRunner.resumeAll();
    await sources.start();
    await app.listen({ host: c.server.host, port: c.server.port });
    await this.#sweeper?.start();
    await this.#checker.start();
    await this.#scheduler?.start();
    this.#ready = true;
    log.info({ url: this.url, ...(c.storage.kind === 'cluster' ? { storage: 'cluster', streamPrefix: c.storage.nats.streamPrefix, postgresSchema: c.storage.postgres.schema } : { dataDir: c.storage.dataDir }), version }, 'switchyard ready');
  }

  /** The ingest service; the delivery and observe parts are built before it and call it only once started. */
  #started(): IngestService {
    if (this.#ingest === undefined) throw new Error('not started');
    return this.#ingest;
  }

  /** Graceful stop: refuse new work, drain requests and puts, close the store. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#ready = false;
      await this.#sweeper?.stop();
      // Long polls answer now (empty) instead of holding the drain.
      this.#streams?.queues.close();
      this.#streams?.consumers.close();
      await this.#checker?.stop();
      await this.#scheduler?.stop();
      if (this.#app !== undefined) {
        const app = this.#app;
        const timer = setTimeout(() => app.server.closeAllConnections(), this.config.server.shutdownTimeoutMs);
        timer.unref();
        // The dispatcher stops leasing and finishes its sends while requests drain.
        await Promise.all([app.close(), this.#delivery?.stop()]);
        clearTimeout(timer);
      } else {
        await this.#delivery?.stop();
      }
      await this.#replays?.stop();
      await this.#sources?.stop();
      await this.#ingest?.drain();
      await this.#observe?.stop();
      this.#view?.close();
      await this.#store?.close();
      this.#app?.log.info('switchyard stopped');
    })();
    return this.#stopping;
  }
}
