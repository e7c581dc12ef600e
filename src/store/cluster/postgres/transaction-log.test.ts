// Transactions on PostgreSQL beyond the shared contract: a commit whose node stops after
// deciding (mid-append) is finished by another node once its claim ends — every event appended
// once, in put order, with its deliveries — and nothing can reopen or roll it back meanwhile.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import { item, routed } from '../../contracts/contract.fixture.js';
import type { AppendItem } from '../../types.js';
import { openPostgresPorts, type PostgresPorts } from './index.js';
import { MemoryBodies, StandInEventLog } from './standin-event-log.fixture.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const schema = freshSchema();
const clock = new ManualClock();
const bodies = new MemoryBodies();
const CLAIM = 60_000;
let crashing = true;
let log: StandInEventLog;
let nodeA: PostgresPorts;
let nodeB: PostgresPorts;

/** Node A's appender stores the first item, then its node "dies" (throws) before ending the commit. */
const dyingAppend = async (key: string, items: readonly AppendItem[]) => {
  if (!crashing) return log.appendKeyed(key, items);
  await log.appendKeyed(key, items.slice(0, 1));
  throw new Error('node stopped mid-commit');
};

before(async () => {
  await requirePostgres(URL);
  const common = { url: URL, schema, clock, defaultRetentionMaxAgeMs: 864e5, poolSize: 2, eventBodies: bodies, commitClaimMs: CLAIM };
  nodeA = await openPostgresPorts({ ...common, appendCommitted: dyingAppend });
  nodeB = await openPostgresPorts({ ...common, appendCommitted: (key, items) => log.appendKeyed(key, items) });
  log = new StandInEventLog(() => nodeB, clock, 60_000, bodies);
});
after(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await dropSchema(URL, schema);
});

test('transactions (postgres) - a commit interrupted mid-append is finished by another node: each event once, in put order', async () => {
  const now = clock.now();
  await log.append([item('default', 'before')]);
  await nodeA.transactions.begin({ bus: 'default', id: 't1', checkUrl: null, checkAfterMs: 1000 }, now, 10);
  const ids = ['a', 'b', 'c'];
  await nodeA.transactions.hold('default', 't1', ids.map((id) => {
    const { bus: _b, matchedRules: _m, deliveries: _d, deliverAt: _a, ...held } = item('default', id);
    return held;
  }), 10);
  const step = { type: 'committed', at: now, by: 'producer' } as const;
  await assert.rejects(nodeA.transactions.commit('default', 't1', 3, ids.map((id) => routed('default', id, ['t1'])), step), /mid-commit/);

  const decided = await nodeB.transactions.get('default', 't1');
  assert.deepEqual([decided?.state, decided?.sequences, decided?.history.map((s) => s.type)], ['committed', null, ['begin', 'committed']], 'decided: reads as committed');
  assert.deepEqual(await nodeB.transactions.rollback('default', 't1', { type: 'rolled-back', at: now, by: 'producer' }), { type: 'closed', state: 'committed' });
  assert.deepEqual(await nodeB.transactions.hold('default', 't1', [], 10), { type: 'closed', state: 'committed' });
  assert.deepEqual(await nodeB.transactions.claimDue(now + 10_000, now + 20_000, 10), [], 'no check-back of a decided commit');
  assert.equal(await nodeB.transactions.resumeCommits(now + CLAIM - 1, 10), 0, 'not while the committer\'s claim lasts');

  assert.equal(await nodeB.transactions.resumeCommits(now + CLAIM, 10), 1);
  const done = await nodeB.transactions.get('default', 't1');
  assert.deepEqual([done?.state, done?.sequences, done?.endedAt], ['committed', { first: 2, last: 4 }, now]);
  assert.deepEqual((await log.list({ bus: 'default', limit: 10 })).items.map((e) => e.id), ['before', 'a', 'b', 'c'], 'each once, in put order');
  assert.equal((await nodeB.deliveries.lease({ bus: 'default', rule: 'r', target: 't1' }, now, now + 1000, 10)).length, 3);
  assert.equal((await nodeB.transactions.ofEvent('default', 3))?.id, 't1');
  assert.equal(await nodeB.transactions.resumeCommits(now + 10 * CLAIM, 10), 0, 'finished: nothing left to resume');
  crashing = false;
  assert.deepEqual(await nodeA.transactions.commit('default', 't1', 3, [], step), { type: 'closed', state: 'committed' });
});
