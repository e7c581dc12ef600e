import { isLoopback, type Config } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { ConnectionVault } from '../delivery/index.js';
import { settledOutcomes, type IngestService } from '../ingest/index.js';
import type { Observability } from '../observe/index.js';
import { SourceKinds, SourceManager, brokerKinds, webhookKind, type BrokerLimits, type SourceLog, type SourcePublisher } from '../sources/index.js';
import type { Store } from '../store/index.js';

export interface SourceWiringDeps {
  readonly store: Store;
  /** The domain put (sources put through it, all or none, with a `source` origin). */
  readonly put: IngestService['put'];
  /** The connection vault: sources read their verification secrets from connections. */
  readonly vault: ConnectionVault;
  readonly clock: Clock;
  readonly log: SourceLog;
  readonly observe: Observability;
}

/** The built-in source kinds: webhook and the broker kinds (src/sources/brokers). */
export function sourceKinds(limits: BrokerLimits): SourceKinds {
  const kinds = new SourceKinds().register(webhookKind);
  for (const k of brokerKinds(limits)) kinds.register(k);
  return kinds;
}

/**
 * Builds the source manager: its puts go to the domain put with the source as their origin; its
 * health transitions become system events; its counters feed the per-source metrics.
 */
export function createSources(c: Config, deps: SourceWiringDeps): SourceManager {
  const publisher: SourcePublisher = {
    put: async (bus, events, o) => settledOutcomes(await deps.put(bus, events, {
      kind: 'source', source: o.source, sourceKind: o.kind, verification: o.verification, mode: o.mode, client: o.client, traceparent: o.traceparent,
    }, { atomic: true })),
  };
  const system = deps.observe.systemEvents;
  const manager = new SourceManager({
    catalog: deps.store.catalog,
    deadLetters: deps.store.sourceDeadLetters,
    kinds: sourceKinds({ maxEventBytes: c.limits.maxEventBytes, maxBatchEvents: c.limits.maxBatchEvents, maxJsonDepth: c.limits.maxJsonDepth }),
    publisher,
    secrets: { credentials: async (name) => await deps.vault.credentials(name) },
    health: system === undefined ? undefined : {
      failing: (s, error) => system.sourceHealth(s, 'failing', error),
      recovered: (s) => system.sourceHealth(s, 'recovered'),
    },
    clock: deps.clock,
    log: deps.log,
    allowUnverified: isLoopback(c.server.host),
    maxMappingBytes: c.limits.maxTransformOutputBytes ?? c.limits.maxEventBytes,
    limits: { maxEventBytes: c.limits.maxEventBytes, maxBatchEvents: c.limits.maxBatchEvents, maxJsonDepth: c.limits.maxJsonDepth },
  });
  deps.observe.metrics?.setSourceStats(() => manager.metrics());
  return manager;
}
