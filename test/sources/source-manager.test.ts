// The source manager with a pulling kind (a test kind registered like a broker kind would be),
// over a real SQLite store and the real ingest service: started when running, stopped on pause,
// replace, delete and shutdown, following changes written to the catalog by anyone (another
// node); puts counted and flushed to the store; health transitions reported once each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock, type Violation } from '../../src/core/index.js';
import { createEvent } from '../../src/events/index.js';
import { IngestService, settledOutcomes } from '../../src/ingest/index.js';
import { SourceKinds, SourceManager, webhookKind, type SourceKind, type SourceRun } from '../../src/sources/index.js';
import { CatalogView, SqliteStore } from '../../src/store/index.js';

interface TickerConfig { readonly count: number; readonly fail?: string }

/** A pulling kind: on start puts `count` events, then waits for its stop; `fail` makes start throw. */
function tickerKind(log: string[]): SourceKind<TickerConfig> {
  return {
    name: 'ticker',
    description: 'test kind',
    checkConfig(config, at) {
      const o = config as Record<string, unknown>;
      const out: Violation[] = [];
      if (typeof o.count !== 'number') out.push({ path: `${at}/count`, reason: 'must be a number' });
      return out.length > 0 ? { ok: false, violations: out } : { ok: true, config: { count: o.count as number, ...(typeof o.fail === 'string' ? { fail: o.fail } : {}) } };
    },
    connections: () => [],
    async start(run: SourceRun<TickerConfig>) {
      if (run.config.fail !== undefined) throw new Error(run.config.fail);
      log.push(`start ${run.name} ${run.config.count}`);
      run.received(run.config.count);
      const events = Array.from({ length: run.config.count }, (_, i) => createEvent({ id: `${run.name}-${run.config.count}-${i}`, source: `/ticker/${run.name}`, type: 'tick' }));
      await run.put(events, { verification: 'none' });
      return { stop: async () => void log.push(`stop ${run.name}`) };
    },
  };
}

const until = async (what: string, cond: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
};

describe('source manager - a pulling kind', () => {
  const clock = new ManualClock();
  const log: string[] = [];
  const health: string[] = [];
  let store: SqliteStore;
  let manager: SourceManager;
  let view: CatalogView;
  before(async () => {
    store = new SqliteStore({ dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 100, dedupeWindowMs: 60_000, defaultRetentionMaxAgeMs: 86_400_000, sweepBatch: 100, clock });
    await store.catalog.buses.create({ name: 'ticks', retention: { maxAgeMs: null, maxCount: null } });
    view = await CatalogView.open(store.catalog);
    const ingest = new IngestService({ store, buses: view, router: { route: () => [] }, limits: { maxEventBytes: 4096, maxBatchEvents: 100, maxJsonDepth: 16 } });
    manager = new SourceManager({
      catalog: store.catalog,
      deadLetters: store.sourceDeadLetters,
      kinds: new SourceKinds().register(webhookKind).register(tickerKind(log)),
      publisher: {
        put: async (bus, events, o) => settledOutcomes(await ingest.put(bus, events, { kind: 'source', source: o.source, sourceKind: o.kind, verification: o.verification }, { atomic: true })),
      },
      secrets: { credentials: async () => undefined },
      health: { failing: (s, e) => void health.push(`failing ${s.name}: ${e}`), recovered: (s) => void health.push(`recovered ${s.name}`) },
      clock, log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      allowUnverified: true, maxMappingBytes: 4096, limits: { maxEventBytes: 4096, maxBatchEvents: 100, maxJsonDepth: 16 }, flushIntervalMs: 0,
    });
    await manager.start();
  });
  after(async () => {
    await manager.stop();
    view.close();
    await store.close();
  });

  test('source manager - started when put running, its events stored with the source as origin and counted', async () => {
    await manager.put('t1', { kind: 'ticker', bus: 'ticks', count: 2 });
    await until('two ticks stored', async () => (await store.events.count('ticks')) === 2);
    assert.deepEqual(log, ['start t1 2']);
    const e = await store.events.get('ticks', 't1-2-0');
    assert.deepEqual(await store.observe.origin('ticks', e!.sequence), { client: null, traceparent: null, via: '{"source":"t1","kind":"ticker","verification":"none","mapped":true}' });
    const v = await manager.get('t1');
    assert.deepEqual([v.status.state, v.counters.received, v.counters.put, v.counters.rejected], ['running', 2, 2, 0]);
    assert.equal(v.count, 2, 'the kind settings are shown at the top level');
  });

  test('source manager - pause stops it, resume starts it again, a replace restarts it with the new settings', async () => {
    log.length = 0;
    assert.equal((await manager.setState('t1', 'paused')).status.state, 'paused');
    assert.deepEqual(log, ['stop t1']);
    await manager.setState('t1', 'running');
    await until('restart', () => log.length === 2);
    assert.deepEqual(log, ['stop t1', 'start t1 2']);
    await manager.put('t1', { kind: 'ticker', bus: 'ticks', count: 3 });
    await until('replace', () => log.length === 4);
    assert.deepEqual(log.slice(2), ['stop t1', 'start t1 3']);
    // A description alone does not restart it.
    await manager.put('t1', { kind: 'ticker', bus: 'ticks', count: 3, description: 'ticks' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(log.length, 4);
    assert.equal((await manager.get('t1')).description, 'ticks');
  });

  test('source manager - a change written to the catalog by another node is followed', async () => {
    log.length = 0;
    await store.catalog.sources.put({ name: 't2', kind: 'ticker', bus: 'ticks', description: null, state: 'running', config: { count: 1 }, mapping: null });
    await until('t2 started', () => log.includes('start t2 1'));
    await store.catalog.sources.delete('t2');
    await until('t2 stopped', () => log.includes('stop t2'));
  });

  test('source manager - a kind that cannot start is failing with the error; one system event per transition', async () => {
    health.length = 0;
    await manager.put('bad', { kind: 'ticker', bus: 'ticks', count: 1, fail: 'broker unreachable' });
    await until('failing', async () => (await manager.get('bad')).status.state === 'failing');
    assert.match((await manager.get('bad')).status.lastError ?? '', /could not start: broker unreachable/);
    assert.deepEqual(health, ['failing bad: could not start: broker unreachable']);
    await manager.delete('bad');
  });

  test('source manager - counts are flushed to the store and add up; delete stops the source', async () => {
    await manager.flush();
    const stored = (await store.catalog.sources.counts()).get('t1');
    // Received 2 + 2 + 3; put 2 + 3: the restart after resume put the same two ids again (duplicates).
    assert.deepEqual([stored?.received, stored?.put], [7, 5]);
    assert.deepEqual([(await manager.get('t1')).counters.received, (await manager.get('t1')).counters.put], [7, 5]);
    log.length = 0;
    await manager.delete('t1');
    assert.deepEqual(log, ['stop t1']);
    await assert.rejects(manager.get('t1'), (e: { code?: string }) => e.code === 'SWY_SOURCE_NOT_FOUND');
  });
});
