// Test support (excluded from the build like every *.contract.ts): real deps for targets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ManualClock, systemClock, type Clock } from '../../core/index.js';
import { eventSize, serializeEvent, type CloudEvent } from '../../events/index.js';
import { SqliteStore } from '../../store/index.js';
import { SecretBox } from '../connections/secret-box.js';
import { ConnectionVault } from '../connections/vault.js';
import { SigningKeyring } from '../signing/keyring.js';
import type { BusForwarder, BusPublisher, PublishResult } from '../target.js';
import type { LineSink, TargetDeps } from './deps.js';

/**
 * A BusPublisher over a real store: what the server's ingest put does, minus rules and schemas
 * (delivery may not import ingest). `calls` records who forwarded what.
 */
export function storeBusPublisher(store: SqliteStore): BusPublisher & { readonly calls: { bus: string; ids: string[]; from: BusForwarder }[] } {
  const calls: { bus: string; ids: string[]; from: BusForwarder }[] = [];
  return {
    calls,
    async publish(bus: string, events: readonly CloudEvent[], from: BusForwarder): Promise<PublishResult> {
      calls.push({ bus, ids: events.map((e) => e.id), from });
      const outcomes = await store.events.append(events.map((ev) => ({
        bus, id: ev.id, source: ev.source, type: ev.type, subject: ev.subject, time: ev.time,
        body: serializeEvent(ev), size: eventSize(ev), mode: 'batch', matchedRules: [],
      })));
      const refused = outcomes.find((o) => o.type === 'rejected');
      return refused === undefined ? { type: 'published' } : { type: 'refused', reason: refused.message };
    },
  };
}

export interface TestWorld {
  readonly store: SqliteStore;
  readonly box: SecretBox;
  readonly keyring: SigningKeyring;
  readonly vault: ConnectionVault;
  readonly dir: string;
  readonly lines: string[];
  deps(overrides?: Partial<TargetDeps>): TargetDeps;
  close(): Promise<void>;
}

/** A store in memory, a fresh secret key, a temp directory for file targets. */
export function testWorld(opts: { clock?: Clock; allowPrivateNetworks?: boolean } = {}): TestWorld {
  const clock = opts.clock ?? systemClock;
  const store = new SqliteStore({
    dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
    defaultRetentionMaxAgeMs: 86_400_000, sweepBatch: 1000, clock: clock instanceof ManualClock ? clock : systemClock,
  });
  const box = new SecretBox(randomBytes(32));
  const keyring = new SigningKeyring(store.catalog.connections, box);
  const allow = opts.allowPrivateNetworks ?? true;
  const vault = new ConnectionVault({ catalog: store.catalog.connections, box, clock, allowPrivateNetworks: allow });
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-targets-'));
  const lines: string[] = [];
  const sink: LineSink = { write: (s: string) => lines.push(...s.split('\n').filter(Boolean)) };
  return {
    store, box, keyring, vault, dir, lines,
    deps: (o = {}) => ({
      busPublisher: storeBusPublisher(store), connections: vault, signingSecrets: keyring, allowPrivateNetworks: allow,
      clock, logSink: sink, fileDirectory: dir, ...o,
    }),
    async close() {
      await vault.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
