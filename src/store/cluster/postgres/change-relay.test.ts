// The change feed survives a lost LISTEN connection: it reconnects by itself and announces the
// changes committed meanwhile (from catalog_changes), in order, and reads the circuit breakers again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import type { CatalogChange } from '../../change-feed.js';
import { openPostgresPorts, type PostgresPorts } from './index.js';
import { channelsOf } from './notify-channels.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const schema = freshSchema();
const clock = new ManualClock();
let a: PostgresPorts;
let b: PostgresPorts;

before(async () => {
  await requirePostgres(URL);
  a = await openPostgresPorts({ url: URL, schema, clock, defaultRetentionMaxAgeMs: 1000, nodeId: 'a', poolSize: 2 });
  b = await openPostgresPorts({ url: URL, schema, clock, defaultRetentionMaxAgeMs: 1000, nodeId: 'b', poolSize: 2 });
});
after(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(URL, schema);
});

async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('change relay - after its LISTEN connection is killed a node reconnects and announces what it missed, in order', async () => {
  const seen: CatalogChange[] = [];
  // Not the `default` bus each node ensures at open: the other node's NOTIFY of it may come late.
  const stop = a.catalog.watch((c) => void (!(c.type === 'bus' && c.bus === 'default') && seen.push(c)));
  try {
    // Both nodes' listeners are on this schema's channels (the breaker channel is the last one each LISTENs to).
    const { rows } = await b.pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()", [`LISTEN "${channelsOf(schema).breaker}"`]);
    assert.equal(rows.length, 2, 'two listeners: one per node');
    // Kill both: node B's own feed then also has to come back for B's writes to be awaited normally.
    for (const r of rows) await b.pool.query('SELECT pg_terminate_backend($1)', [r.pid]);
    await until(() => !a.listening(), 'node A to notice');
    await b.catalog.buses.create({ name: 'missed', retention: { maxAgeMs: null, maxCount: null } });
    await b.catalog.rules.put({ bus: 'missed', name: 'r', description: null, state: 'enabled', filter: {}, targets: [] });
    await until(() => seen.length >= 2, 'node A to announce the missed changes');
    assert.deepEqual(seen, [{ type: 'bus', op: 'put', bus: 'missed' }, { type: 'rule', op: 'put', bus: 'missed', name: 'r', created: true }]);
    assert.equal(a.listening(), true);
    await b.catalog.rules.delete('missed', 'r');
    await until(() => seen.length >= 3, 'the next change, live again');
    assert.deepEqual(seen[2], { type: 'rule', op: 'delete', bus: 'missed', name: 'r' });
  } finally {
    stop();
  }
});

test('change relay - a NOTIFY this node cannot read (another version, a stray sender) is ignored; the feed goes on', async () => {
  const seen: CatalogChange[] = [];
  const stop = a.catalog.watch((c) => seen.push(c));
  try {
    const ch = channelsOf(schema);
    await b.pool.query('SELECT pg_notify($1, $2), pg_notify($3, $4)', [ch.work, 'not json', ch.catalog, '{"id": "x"']);
    await b.catalog.buses.create({ name: 'after-garbage', retention: { maxAgeMs: null, maxCount: null } });
    await until(() => seen.some((c) => c.type === 'bus' && c.bus === 'after-garbage'), 'the next change');
  } finally {
    stop();
  }
});

test('change relay - a circuit breaker opened while a node\'s LISTEN connection was down reaches its watchers once it reconnects', async () => {
  const key = { bus: 'default', rule: 'r', target: 'missed-breaker' };
  const heard: number[] = [];
  const stop = a.breakers.watch((k, r) => {
    if (k.target === key.target && r.openUntil !== null) heard.push(r.openUntil);
  });
  try {
    const { rows } = await b.pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()", [`LISTEN "${channelsOf(schema).breaker}"`]);
    for (const r of rows) await b.pool.query('SELECT pg_terminate_backend($1)', [r.pid]);
    await until(() => !a.listening(), 'node A to notice');
    const w = await b.breakers.failure(key, { failureThreshold: 1, openMs: 60_000 }, 1000);
    assert.equal(w.change, 'opened');
    await until(() => a.listening(), 'node A to reconnect');
    await until(() => heard.includes(61_000), 'node A\'s watcher to hear the breaker it missed');
  } finally {
    stop();
  }
});
