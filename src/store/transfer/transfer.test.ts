// Export of an embedded store and import into a real cluster (the machine's NATS JetStream and
// PostgreSQL, in an isolated stream prefix and schema dropped afterwards).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import DatabaseCtor from 'better-sqlite3';
import pg from 'pg';
import { ManualClock, isSwitchyardError, type RuleTarget } from '../../core/index.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import type { Store } from '../types.js';
import { dropNamespace, isolatedNames, openTestStore, testStoreOptions, TEST_POSTGRES } from '../cluster/cluster-store.fixture.js';
import { item, stored } from '../contracts/contract.fixture.js';
import { exportDataDir, importDataDir, importFile, type ClusterImportOptions } from './transfer.js';
import { checkDump, readDump } from './dump-file.js';
import type { DumpRow } from './dump-format.js';
import { ClusterImport } from '../cluster/cluster-import.js';

const WINDOW = 60_000;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'swy-transfer-'));
  dirs.push(d);
  return d;
};

function embedded(dataDir: string, clock: ManualClock): SqliteStore {
  return new SqliteStore({ dataDir, durability: 'process', groupCommitMaxEvents: 100, dedupeWindowMs: WINDOW, defaultRetentionMaxAgeMs: 7 * 864e5, sweepBatch: 1000, clock, walCheckpointMs: 0 });
}

const importOptions = (ns: { streamPrefix: string; postgresSchema: string }, clock: ManualClock): ClusterImportOptions => {
  const o = testStoreOptions(ns, clock);
  return { ...o, dedupeWindowMs: WINDOW };
};

/** An embedded installation with a bit of everything: returns its data directory. */
async function buildEmbedded(clock: ManualClock): Promise<string> {
  const dir = tmp();
  const s = embedded(dir, clock);
  try {
    await s.catalog.buses.create({ name: 'orders', description: 'the orders', retention: { maxAgeMs: 30 * 864e5, maxCount: null } });
    await s.catalog.buses.create({ name: 'swept', description: null, retention: { maxAgeMs: null, maxCount: 3 } });
    await s.catalog.buses.create({ name: 'all.swept', description: null, retention: { maxAgeMs: 1000, maxCount: null } });
    const targets = [{ id: 't', kind: 'http', url: 'http://127.0.0.1:1/x' }] as unknown as RuleTarget[];
    await s.catalog.rules.put({ bus: 'orders', name: 'r', description: 'route', state: 'enabled', filter: { pattern: { type: ['x'] } }, targets });
    await s.catalog.schemas.upsert({ name: 'com.example.created', source: null, description: 'd', compatibility: 'BACKWARD' });
    await s.catalog.schemas.addVersion({ name: 'com.example.created', source: null, dialect: '2020-12', schema: { type: 'object' }, origin: 'api' });
    await s.catalog.connections.put({ name: 'c1', kind: 'basic', description: null, config: { user: 'u' }, sealed: 'SEALED:abc' });
    await s.catalog.connections.setSigningSecrets('orders/r/t', [{ sealed: 'SEALED:k1', createdAt: clock.now(), expiresAt: null }]);
    await s.archives.put({ bus: 'orders', name: 'a1', description: null, pattern: null, retentionMs: null });
    // orders: 4 events, each routed to the rule's target (pending deliveries), one a repeated (source, id) after the window.
    for (const id of ['o1', 'o2', 'o3']) {
      const deliveries = [{ rule: 'r', target: 't', group: null }, ...(id === 'o2' ? [{ rule: 'r', target: 'd', group: null }] : [])];
      stored((await s.events.append([item('orders', id, { data: { n: id }, deliveries, matchedRules: ['r'] })]))[0]);
    }
    // A dead letter with its attempt: o2's delivery to target d failed for good.
    const [dead] = await s.deliveries.lease({ bus: 'orders', rule: 'r', target: 'd' }, clock.now(), clock.now() + 1000, 1);
    const attempt = { at: clock.now(), durationMs: 5, ok: false, status: 500, errorClass: 'http', message: 'boom', response: 'nope' };
    await s.deliveries.complete([{ type: 'dead', id: dead!.id, lease: dead!.lease, attempt, reason: 'boom', payload: null }], clock.now());
    await s.catalog.sources.put({ name: 'hook', kind: 'webhook', bus: 'orders', description: null, state: 'running', config: { path: 'x' }, mapping: null });
    await s.consumers.create({ bus: 'orders', name: 'billing', pattern: null, offset: 1 }, clock.now());
    await s.catalog.schemas.setSettings({ bus: 'orders', validation: 'warn', discovery: true, sampleRate: 0.5 });
    clock.advance(WINDOW + 1);
    stored((await s.events.append([item('orders', 'o1', { data: { again: true } })]))[0]);
    // swept: 5 events, retention keeps the newest 3 (sequences 3..5).
    for (let i = 1; i <= 5; i++) await s.events.append([item('swept', `s${i}`)]);
    // all.swept: 2 events, both past their age at the sweep (next sequence 3, no events).
    await s.events.append([item('all.swept', 'x1'), item('all.swept', 'x2')]);
    clock.advance(2000);
    await s.housekeeping.sweepRetention();
  } finally {
    await s.close();
  }
  return dir;
}

async function snapshot(s: Store): Promise<Record<string, unknown>> {
  const buses = (await s.catalog.buses.list()).filter((b) => b.name !== 'default');
  const events: Record<string, unknown> = {};
  for (const b of buses) events[b.name] = (await s.events.list({ bus: b.name, limit: 1000 })).items;
  return {
    buses, events,
    rules: await s.catalog.rules.list(),
    schemas: await s.catalog.schemas.list(),
    versions: await s.catalog.schemas.versions('com.example.created', null),
    connections: await s.catalog.connections.list(),
    secrets: await s.catalog.connections.signingSecrets('orders/r/t'),
    archives: await s.archives.list(),
    sources: await s.catalog.sources.list(),
    consumers: await s.consumers.list('orders'),
    settings: await s.catalog.schemas.settings('orders'),
  };
}

describe('transfer - embedded export into a cluster', () => {
  const ns = isolatedNames('cx');
  const clock = new ManualClock(Date.now());
  let dir: string;
  let expected: Record<string, unknown>;
  let file: string;

  before(async () => {
    dir = await buildEmbedded(clock);
    const s = embedded(dir, clock);
    expected = await snapshot(s);
    await s.close();
    file = path.join(tmp(), 'dump.ndjson');
  });
  after(async () => {
    await dropNamespace(ns);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('transfer - export, import: catalog, events with their sequences and ids, deliveries, next sequences', async () => {
    const { rows } = await exportDataDir(dir, file, clock);
    assert.equal(rows.events, 7);
    assert.equal(rows.deliveries, 4);
    const report = await importFile(file, importOptions(ns, clock), { replace: false });
    assert.equal(report.rows.events, 7);
    assert.equal(report.eventsResumed, 0);
    const c = await openTestStore(testStoreOptions(ns, clock, { dedupeWindowMs: WINDOW }));
    try {
      assert.deepEqual(await snapshot(c), expected);
      const swept = await c.events.list({ bus: 'swept', limit: 10 });
      assert.deepEqual(swept.items.map((e) => e.sequence), [3, 4, 5]);
      assert.equal((await c.events.get('orders', 'o2'))?.sequence, 2);
      // The newest event with the id o1 is the re-put after the window (sequence 4).
      assert.equal((await c.events.get('orders', 'o1'))?.sequence, 4);
      // New puts continue after each bus's last sequence, swept events included.
      assert.deepEqual(stored((await c.events.append([item('swept', 'new')]))[0]), 6);
      assert.deepEqual(stored((await c.events.append([item('all.swept', 'new')]))[0]), 3);
      // A re-put of an imported (source, id) inside the window is a duplicate of the imported event.
      const again = (await c.events.append([item('orders', 'o1')]))[0];
      assert.deepEqual(again?.type === 'duplicate' ? again.sequence : again, 4);
      // The pending deliveries came along, leasable, with their events' bodies from the log.
      const leased = await c.deliveries.lease({ bus: 'orders', rule: 'r', target: 't' }, clock.now(), clock.now() + 1000, 10);
      assert.deepEqual(leased.map((d) => d.seq).sort(), [1, 2, 3]);
      assert.ok(leased.every((d) => d.eventBody !== null && d.eventBody.includes(`"id":"o`)));
      // The dead letter, with its attempt.
      const deadLetters = await c.deliveries.listDead({ bus: 'orders' }, 10);
      assert.deepEqual(deadLetters.items.map((d) => [d.sequence, d.target, d.lastError]), [[2, 'd', 'boom']]);
      assert.deepEqual((await c.deliveries.attempts(deadLetters.items[0]!.id)).map((a) => [a.status, a.message]), [[500, 'boom']]);
    } finally {
      await c.close();
    }
  });

  it('transfer - re-running the same import writes nothing twice (resumes after the last sequence)', async () => {
    const report = await importFile(file, importOptions(ns, clock), { replace: false });
    assert.equal(report.eventsResumed, 7);
    const c = await openTestStore(testStoreOptions(ns, clock, { dedupeWindowMs: WINDOW }));
    try {
      assert.equal(await c.events.count('orders'), 4);
      // 'swept' keeps its newest 3 (its retention): the put after the import pushed sequence 3 out.
      assert.deepEqual((await c.events.list({ bus: 'swept', limit: 10 })).items.map((e) => e.sequence), [4, 5, 6]);
      const db = new pg.Client({ connectionString: TEST_POSTGRES });
      await db.connect();
      try {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${ns.postgresSchema}".deliveries WHERE bus = 'orders'`);
        assert.equal(rows[0].n, 4);
      } finally {
        await db.end();
      }
    } finally {
      await c.close();
    }
  });

  it('transfer - another export into buses holding events is refused, nothing written; --replace-events replaces them', async () => {
    const other = path.join(tmp(), 'other.ndjson');
    await exportDataDir(dir, other, clock);
    await assert.rejects(importFile(other, importOptions(ns, clock), { replace: false }), (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_STORE_IMPORT_CONFLICT' && /"orders"/.test(e.message));
    await importFile(other, importOptions(ns, clock), { replace: true });
    const c = await openTestStore(testStoreOptions(ns, clock, { dedupeWindowMs: WINDOW }));
    try {
      assert.deepEqual((await c.events.list({ bus: 'swept', limit: 10 })).items.map((e) => e.sequence), [3, 4, 5]);
    } finally {
      await c.close();
    }
  });
});

describe('transfer - a gap inside the embedded log', () => {
  const ns = isolatedNames('cxg');
  after(() => dropNamespace(ns));

  it('transfer - events around a removed one keep their sequences; the gap stays empty', async () => {
    const clock = new ManualClock(Date.now());
    const dir = tmp();
    const s = embedded(dir, clock);
    await s.catalog.buses.create({ name: 'g', description: null, retention: { maxAgeMs: null, maxCount: null } });
    for (let i = 1; i <= 6; i++) await s.events.append([item('g', `e${i}`)]);
    await s.close();
    const db = new DatabaseCtor(path.join(dir, 'switchyard.db'));
    db.prepare("DELETE FROM events WHERE bus = 'g' AND seq IN (3, 4)").run();
    db.close();
    await importDataDir(dir, importOptions(ns, clock), { replace: false });
    const c = await openTestStore(testStoreOptions(ns, clock, { dedupeWindowMs: WINDOW }));
    try {
      assert.deepEqual((await c.events.list({ bus: 'g', limit: 10 })).items.map((e) => [e.sequence, e.id]), [[1, 'e1'], [2, 'e2'], [5, 'e5'], [6, 'e6']]);
      assert.equal(stored((await c.events.append([item('g', 'e7')]))[0]), 7);
    } finally {
      await c.close();
    }
  });
});

describe('transfer - an import that died midway', () => {
  const ns = isolatedNames('cxr');
  after(() => dropNamespace(ns));

  it('transfer - the same file again completes it: every event once, at its sequence', async () => {
    const clock = new ManualClock(Date.now());
    const dir = tmp();
    const s = embedded(dir, clock);
    await s.catalog.buses.create({ name: 'r', description: null, retention: { maxAgeMs: null, maxCount: null } });
    for (let i = 1; i <= 10; i++) await s.events.append([item('r', `e${i}`, { deliveries: [{ rule: 'x', target: 't', group: null }], matchedRules: ['x'] })]);
    await s.close();
    const file = path.join(tmp(), 'dump.ndjson');
    await exportDataDir(dir, file, clock);
    // The process dies after the 6th event of the file (a throw from the row source).
    const { header } = await checkDump(file);
    const cluster = await ClusterImport.open(importOptions(ns, clock));
    async function* dying(): AsyncGenerator<DumpRow> {
      let events = 0;
      for await (const r of readDump(file)) {
        if (r.table === 'events' && ++events > 6) throw new Error('killed');
        yield r;
      }
    }
    await assert.rejects(cluster.write(header, dying(), false), /killed/);
    await cluster.close();
    const report = await importFile(file, importOptions(ns, clock), { replace: false });
    assert.equal(report.eventsResumed, 6);
    const c = await openTestStore(testStoreOptions(ns, clock, { dedupeWindowMs: WINDOW }));
    try {
      assert.deepEqual((await c.events.list({ bus: 'r', limit: 100 })).items.map((e) => [e.sequence, e.id]), Array.from({ length: 10 }, (_, i) => [i + 1, `e${i + 1}`]));
      const leased = await c.deliveries.lease({ bus: 'r', rule: 'x', target: 't' }, clock.now(), clock.now() + 1000, 100);
      assert.deepEqual(leased.map((d) => d.seq).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i + 1));
    } finally {
      await c.close();
    }
  });
});

describe('transfer - hostile export files', () => {
  const ns = isolatedNames('cxh');
  let good: string[];
  after(() => dropNamespace(ns));
  before(async () => {
    const clock = new ManualClock(Date.now());
    const dir = tmp();
    const s = embedded(dir, clock);
    await s.events.append([item('default', 'd1'), item('default', 'd2')]);
    await s.close();
    const file = path.join(tmp(), 'ok.ndjson');
    await exportDataDir(dir, file, clock);
    good = readFileSync(file, 'utf8').trimEnd().split('\n');
  });

  const cases: [string, (lines: string[]) => string[], RegExp][] = [
    ['cut short (no closing line)', (l) => l.slice(0, -1), /cut short/],
    ['a line that is not JSON', (l) => [...l.slice(0, 2), '{"table":"buses","row":{', ...l.slice(3)], /line 3: not JSON/],
    ['another format version', (l) => [l[0]!.replace('"version":1', '"version":2'), ...l.slice(1)], /line 1: export format version 2/],
    ['not an export at all', () => ['{"hello":1}'], /line 1: not a Switchyard export/],
    ['an unknown column', (l) => l.map((x) => (x.includes('"table":"events"') ? x.replace('"row":{', '"row":{"extra":1,') : x)), /unknown column "extra"/],
    ['a value outside its column\'s set', (l) => l.map((x) => (x.includes('"table":"events"') ? x.replace('"mode":"structured"', '"mode":"weird"') : x)), /events\.mode: expected one of/],
    ['a wrong closing count', (l) => [...l.slice(0, -1), '{"end":true,"rows":999}'], /counts 999 rows/],
    ['events out of sequence order', (l) => {
      const ev = l.map((x, i) => [x, i] as const).filter(([x]) => x.includes('"table":"events"')).map(([, i]) => i);
      const out = [...l];
      [out[ev[0]!], out[ev[1]!]] = [out[ev[1]!]!, out[ev[0]!]!];
      return out;
    }, /does not follow/],
    ['a table out of order', (l) => {
      const ev = l.findIndex((x) => x.includes('"table":"events"'));
      return [l[0]!, l[ev]!, ...l.slice(1, ev), ...l.slice(ev + 1)];
    }, /line 3: a "buses" row after "events" rows|line 2: an event of bus/],
  ];
  for (const [name, mangle, message] of cases) {
    it(`transfer - ${name}: a clear error naming the line, nothing written`, async () => {
      const file = path.join(tmp(), 'bad.ndjson');
      writeFileSync(file, `${mangle(good).join('\n')}\n`);
      await assert.rejects(importFile(file, importOptions(ns, new ManualClock(Date.now())), { replace: false }), (e: unknown) => {
        assert.ok(isSwitchyardError(e) && e.code === 'SWY_STORE_DUMP_INVALID', String(e));
        assert.match(e.message, message);
        return true;
      });
      const db = new pg.Client({ connectionString: TEST_POSTGRES });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [ns.postgresSchema]);
        assert.equal(rows.length, 0, 'the cluster was not even opened');
      } finally {
        await db.end();
      }
    });
  }
});
