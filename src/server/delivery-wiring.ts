import type { Config } from '../config/index.js';
import type { Clock } from '../core/index.js';
import { BATCH_MEDIA_TYPE, encodeBatch, type CloudEvent } from '../events/index.js';
import type { HttpPut, PutResult } from '../ingest/index.js';
import {
  ConnectionVault, Dispatcher, SecretBox, SigningKeyring, createTarget, noDeliveryObserver, targetSettings,
  type BusWriter, type DeliveryObserver, type DispatcherLog, type LineSink, type TargetDeps,
} from '../delivery/index.js';
import type { Store } from '../store/index.js';

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
  readonly clock: Clock;
  readonly log: DispatcherLog;
  /** The ingest put path (bus targets put through it, so the target bus's rules apply). */
  readonly putHttp: (bus: string, req: HttpPut) => Promise<{ results: PutResult[] }>;
  /** Where log targets write; stdout by default. */
  readonly logSink?: LineSink;
  /** Hook for src/observe (metrics, spans, system events); no-op by default. */
  readonly observer?: DeliveryObserver;
}

/**
 * A bus target's writer: the events go through the ordinary put path as one CloudEvents batch
 * (decode, limits, schema validation, dedupe, rules of the target bus). A put refused with a
 * 4xx is not retried (the target reports `rejected`); a store failure is.
 */
function ingestBusWriter(putHttp: DeliveryWiringDeps['putHttp']): BusWriter {
  return {
    async put(bus: string, events: readonly CloudEvent[]): Promise<void> {
      const enc = encodeBatch([...events]);
      await putHttp(bus, { contentType: BATCH_MEDIA_TYPE, headers: {}, body: enc.body, origin: { client: 'switchyard' } });
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
  const vault = new ConnectionVault({ catalog: deps.store.connections, box, clock: deps.clock, allowPrivateNetworks: settings.allowPrivateNetworks });
  const keyring = new SigningKeyring(deps.store.connections, box);
  const targetDeps: TargetDeps = {
    busWriter: ingestBusWriter(deps.putHttp),
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
      unwatch = deps.store.watch((c) => {
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
