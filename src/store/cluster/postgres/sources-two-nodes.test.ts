// Sources, schedules and source dead letters as a cluster shares them (two nodes on one schema,
// as two processes would have): counters flushed by both nodes at once add up, a pause or a
// schedule made through one node reaches the other's watchers, a concurrent pause is announced
// once, the per-source dead-letter cap holds, and cursors or ids no stored row can have match nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import type { CatalogChange } from '../../change-feed.js';
import type { NewSource } from '../../source-types.js';
import type { NewSourceDeadLetter } from '../../source-dead-letter-types.js';
import { openPostgresPorts, type PostgresPorts } from './index.js';
import { PgSourceDeadLetters } from './source-dead-letters.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const clock = new ManualClock();
const schema = freshSchema();
let a: PostgresPorts;
let b: PostgresPorts;

const open = (nodeId: string): Promise<PostgresPorts> =>
  openPostgresPorts({ url: URL, schema, clock, defaultRetentionMaxAgeMs: 864e5, nodeId, poolSize: 4 });

const source = (name: string): NewSource => ({ name, kind: 'nats', bus: 'default', description: null, state: 'running', config: { subject: 'in.>' }, mapping: null });

const dead = (source: string, n: number): NewSourceDeadLetter => ({
  source, code: 'SWY_SOURCE_NOT_CLOUDEVENT', reason: `message ${n}`,
  message: { origin: 'in.x', headers: {}, contentType: null, body: '', truncated: false },
});

/** Resolves once `pred` holds, polling; fails after `ms` (a bound, not a speed assertion). */
async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

before(async () => {
  await requirePostgres(URL);
  [a, b] = await Promise.all([open('node-a'), open('node-b')]);
});

after(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(URL, schema);
});

describe('postgres sources across nodes', () => {
  test('sources - counter flushes from two nodes at once add up, the later event time wins', async () => {
    await a.catalog.sources.put(source('counted'));
    const flushes = [];
    for (let i = 0; i < 20; i++) {
      const node = i % 2 === 0 ? a : b;
      flushes.push(node.catalog.sources.addCounts(new Map([['counted', { received: 2, put: 1, rejected: 1, lastEventAt: 1000 + i }]])));
    }
    await Promise.all(flushes);
    assert.deepEqual((await b.catalog.sources.counts()).get('counted'), { received: 40, put: 20, rejected: 20, lastEventAt: 1019 });
  });

  test('sources - a pause through one node reaches the other; pausing from both at once is announced once', async () => {
    const seenByB: CatalogChange[] = [];
    // Sources and schedules only: a bus change (the `default` bus each node ensures at open) may come late.
    const stop = b.catalog.watch((c) => void (c.type !== 'bus' && seenByB.push(c)));
    try {
      await a.catalog.sources.put(source('paused'));
      await until(() => seenByB.length > 0, 'the source put on node b');
      const [x, y] = await Promise.all([a.catalog.sources.setState('paused', 'paused'), b.catalog.sources.setState('paused', 'paused')]);
      assert.deepEqual([x?.state, y?.state], ['paused', 'paused']);
      await b.catalog.schedules.put({
        name: 'marker', description: null, bus: 'default', expression: 'rate(1 minute)', timezone: 'UTC', event: { type: 't', source: 's' },
        start: null, end: null, flexibleWindowMs: 0, catchUp: 'none', maxCatchUp: 1, state: 'enabled',
      });
      await until(() => seenByB.some((c) => c.type === 'schedule'), 'the marker schedule on node b');
      const put: CatalogChange = { type: 'source', op: 'put', name: 'paused' };
      assert.deepEqual(seenByB, [put, put, { type: 'schedule', op: 'put', name: 'marker' }]);
      assert.equal((await b.catalog.sources.get('paused'))?.state, 'paused');
    } finally {
      stop();
    }
  });

  test('source dead letters - a source keeps at most its cap, the newest; other sources are untouched', async () => {
    const capped = new PgSourceDeadLetters(a.pool, clock, 3);
    await capped.add(dead('other', 0));
    for (let i = 1; i <= 5; i++) await capped.add(dead('capped', i));
    const page = await b.sourceDeadLetters.list('capped', { limit: 10 });
    assert.deepEqual(page.items.map((d) => d.reason), ['message 3', 'message 4', 'message 5']);
    assert.equal((await b.sourceDeadLetters.list('other', { limit: 10 })).items.length, 1);
  });

  test('source dead letters - cursors and ids no stored row can have match nothing and fail nothing', async () => {
    const kept = await a.sourceDeadLetters.add(dead('hostile', 1));
    for (const after of [-5, 0.5, Number.MAX_VALUE, Number.NaN, 2 ** 80]) {
      const page = await a.sourceDeadLetters.list('hostile', { after, limit: 5 });
      assert.ok(page.items.length <= 1, `after ${after}`);
    }
    assert.equal(await a.sourceDeadLetters.purge('hostile', [0.5, -1, Number.MAX_VALUE, Number.NaN, 2 ** 80]), 0);
    assert.equal(await a.sourceDeadLetters.purge('hostile', []), 0);
    assert.equal(await b.sourceDeadLetters.purge('hostile', [kept.id]), 1);
  });
});
