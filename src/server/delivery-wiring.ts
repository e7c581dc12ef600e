import type { Config } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { CloudEvent } from '../events/index.js';
import type { IngestService } from '../ingest/index.js';
import {
  ConnectionVault, Dispatcher, SecretBox, SigningKeyring, createTarget, noDeliveryObserver, targetSettings,
  type BusForwarder, type BusPublisher, type DeliveryObserver, type PublishResult, type DispatcherLog, type LineSink, type TargetDeps,
} from '../delivery/index.js';
import type { RuleView, Store } from '../store/index.js';

/** The delivery side of a server: the dispatcher and what targets need (connections, signing keys). */
export interface DeliveryWiring {
  readonly dispatcher: Dispatcher;
  readonly vault: ConnectionVault;
  readonly keyring: SigningKeyring;
  /** Effective `delivery.allowPrivateNetworks` (`auto` resolved against server.host). */
  readonly allowPrivateNetworks: boolean;
  start(): Promise<void>;
  /** Stops the dispatcher (sends in flight get delivery.shutdownGraceMs), then the token client. */
  stop(): Promise<void>;
}

export interface DeliveryWiringDeps {
  readonly store: Store;
  /** The catalog's rules in memory (the store's CatalogView), for the dispatcher. */
  readonly rules: RuleView;
  readonly clock: Clock;
  readonly log: DispatcherLog;
  /** The domain put (bus targets put through it, so the target bus's limits, schemas and rules apply). */
  readonly put: IngestService['put'];
  /** Where log targets write; stdout by default. */
  readonly logSink?: LineSink;
  /** Hook for src/observe (metrics, spans, system events); no-op by default. */
  readonly observer?: DeliveryObserver;
}

/**
 * A bus target's publisher: the events go to the domain put as they are, all or none, with the
 * bus target as their origin. A refused event refuses the put (the target reports `rejected`,
 * not retried); a store failure rejects (retried).
 */
function ingestBusPublisher(put: DeliveryWiringDeps['put']): BusPublisher {
  return {
    async publish(bus: string, events: readonly CloudEvent[], from: BusForwarder): Promise<PublishResult> {
      const outcomes = await put(bus, events, { kind: 'bus-target', bus: from.bus, rule: from.rule, target: from.target }, { atomic: true });
      const refused = outcomes.find((o) => o.type === 'refused');
      return refused === undefined ? { type: 'published' } : { type: 'refused', reason: `${refused.code}: ${refused.message}` };
    },
  };
}

/**
 * Builds the delivery side from config. Reads (or on first start creates) the secret key that
 * seals connection and signing secrets; does no other I/O until `start`.
 */
export function createDeliveryWiring(config: Config, deps: DeliveryWiringDeps): DeliveryWiring {
  const settings = targetSettings(config);
  const box = new SecretBox(settings.secretKey);
  const vault = new ConnectionVault({ catalog: deps.store.catalog.connections, box, clock: deps.clock, allowPrivateNetworks: settings.allowPrivateNetworks });
  const keyring = new SigningKeyring(deps.store.catalog.connections, box);
  const targetDeps: TargetDeps = {
    busPublisher: ingestBusPublisher(deps.put),
    connections: vault,
    signingSecrets: keyring,
    allowPrivateNetworks: settings.allowPrivateNetworks,
    clock: deps.clock,
    logSink: deps.logSink ?? process.stdout,
    fileDirectory: settings.fileDirectory,
  };
  const d = config.delivery;
  const dispatcher = new Dispatcher({
    store: deps.store,
    rules: deps.rules,
    clock: deps.clock,
    createTarget: (spec) => createTarget(spec, targetDeps),
    options: {
      pollIntervalMs: d.pollIntervalMs, leaseMs: d.leaseMs, defaultConcurrency: d.defaultConcurrency, disableAfterMs: d.disableAfterMs,
      breakerFailureThreshold: d.breakerFailureThreshold, breakerOpenMs: d.breakerOpenMs, keepDeliveredMs: d.keepDeliveredMs, shutdownGraceMs: d.shutdownGraceMs,
      maxTransformOutputBytes: config.limits.maxTransformOutputBytes ?? config.limits.maxEventBytes,
    },
    log: deps.log,
    observer: deps.observer ?? noDeliveryObserver,
  });
  let unwatch: (() => void) | undefined;
  return {
    dispatcher, vault, keyring, allowPrivateNetworks: settings.allowPrivateNetworks,
    async start() {
      // A rotation made by another node (or a direct store call) reaches the keyring's cache.
      unwatch = deps.store.catalog.watch((c) => {
        if (c.type === 'signing-secrets') keyring.secretsChanged(c.target);
      });
      await dispatcher.start();
    },
    async stop() {
      unwatch?.();
      await dispatcher.stop();
      await vault.close();
    },
  };
}
