import { systemBus } from '../core/index.js';
import type { RuleView, Store } from '../store/index.js';
import { DeliveryTelemetry } from './delivery-telemetry.js';
import { EventFeed } from './event-feed.js';
import { SwitchyardMetrics } from './metrics.js';
import { observers, type AppendObserver } from './observers.js';
import { OtlpExporter, type OtlpProtocol } from './otlp/index.js';
import { SystemEvents, type SystemPublisher } from './system-events.js';
import { publishRuleChanges } from './rule-events.js';
import { Tracer } from './tracer.js';
import { createSampler, type SamplerName } from './sampler.js';

/** The `observe` config section (src/config/schema.ts). */
export interface ObserveConfig {
  readonly metrics: boolean;
  readonly processMetrics: boolean;
  readonly searchMaxScan: number;
  readonly tracePayloadBytes: number;
  readonly streamHeartbeatMs: number;
  readonly otlpEndpoint: string;
  /** A full traces URL (used as is), or '' for `${otlpEndpoint}/v1/traces`. */
  readonly otlpTracesEndpoint: string;
  readonly otlpHeaders: Readonly<Record<string, string>>;
  readonly otlpResourceAttributes: Readonly<Record<string, string>>;
  readonly otlpSampler: SamplerName;
  readonly otlpSamplerArg: number;
  readonly otlpProtocol: OtlpProtocol;
  readonly otlpServiceName: string;
  readonly otlpFlushIntervalMs: number;
  readonly otlpMaxBatch: number;
  readonly otlpTimeoutMs: number;
  readonly systemEvents: boolean;
}

/** Where the observability parts log (a pino logger fits). */
export interface ObserveLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  isLevelEnabled?(level: string): boolean;
}

/** Every observability part of one server, built from config; parts that are off are undefined. */
export interface Observability {
  readonly feed: EventFeed;
  readonly metrics: SwitchyardMetrics | undefined;
  readonly tracer: Tracer | undefined;
  readonly systemEvents: SystemEvents | undefined;
  /** The ingest observer (metrics + live tail + spans), for IngestService. */
  readonly observer: AppendObserver | undefined;
  /** The dispatcher's observer: delivery metrics, spans, system events, log lines, trace propagation. */
  readonly delivery: DeliveryTelemetry;
  /** What buildApi takes as `observe`. */
  readonly api: {
    readonly feed: EventFeed; readonly metrics: SwitchyardMetrics | undefined; readonly tracer: Tracer | undefined;
    readonly searchMaxScan: number; readonly tracePayloadBytes: number; readonly streamHeartbeatMs: number;
  };
  /** Flushes spans and waits for system events in flight. */
  stop(): Promise<void>;
}

/**
 * Builds observability from config: the system bus is ensured (it is protected from deletion),
 * metrics and span export exist only when configured, so with them off the put path runs no
 * observability code but the live-tail wake-up. `publisher` puts system events (the domain put).
 */
export async function createObservability(config: ObserveConfig, deps: {
  readonly store: Store; readonly rules: RuleView; readonly log: ObserveLog; readonly now: () => number; readonly publisher: SystemPublisher;
}): Promise<Observability> {
  const feed = new EventFeed();
  const housekeeping = deps.store.housekeeping;
  const metrics = config.metrics
    ? new SwitchyardMetrics({ storeSizeBytes: housekeeping === undefined ? undefined : () => housekeeping.sizeBytes(), processMetrics: config.processMetrics, now: deps.now })
    : undefined;
  metrics?.setBacklogSource(() => deps.store.observe.backlog());
  const exporter = config.otlpEndpoint === '' && config.otlpTracesEndpoint === '' ? undefined : new OtlpExporter({
    endpoint: config.otlpEndpoint, tracesEndpoint: config.otlpTracesEndpoint, protocol: config.otlpProtocol, serviceName: config.otlpServiceName,
    resourceAttributes: config.otlpResourceAttributes, headers: config.otlpHeaders, maxBatch: config.otlpMaxBatch,
    flushIntervalMs: config.otlpFlushIntervalMs, maxQueue: config.otlpMaxBatch * 20, timeoutMs: config.otlpTimeoutMs,
    onError: (err) => deps.log.warn({ err }, 'span export failed'),
  });
  const tracer = exporter === undefined ? undefined : new Tracer(exporter, deps.now, createSampler(config.otlpSampler, config.otlpSamplerArg));
  let systemEvents: SystemEvents | undefined;
  let unwatch: (() => void) | undefined;
  if (config.systemEvents) {
    await deps.store.catalog.buses.ensure(systemBus());
    systemEvents = new SystemEvents({ publisher: deps.publisher, onError: (err) => deps.log.error({ err }, 'system event not put'), now: deps.now });
    const coordination = deps.store.coordination;
    unwatch = publishRuleChanges(deps.rules, systemEvents, coordination === undefined ? undefined : () => coordination.leading());
  }
  const observer = observers([metrics, feed, tracer], (err) => deps.log.error({ err }, 'ingest observer failed'));
  const delivery = new DeliveryTelemetry({ metrics, tracer, systemEvents, log: deps.log });
  return {
    feed, metrics, tracer, systemEvents, observer, delivery,
    api: { feed, metrics, tracer, searchMaxScan: config.searchMaxScan, tracePayloadBytes: config.tracePayloadBytes, streamHeartbeatMs: config.streamHeartbeatMs },
    async stop() {
      unwatch?.();
      await systemEvents?.settle();
      await exporter?.flush();
    },
  };
}
