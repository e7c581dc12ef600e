// The source dead-letter store's contract (source-dead-letter-types.ts): kept as given, listed
// per source oldest first with a cursor, bounded per source, purged, kept across a reopen.
import assert from 'node:assert/strict';
import type { NewSourceDeadLetter } from '../source-dead-letter-types.js';
import { runCases, type Case, type ContractOptions } from './contract.fixture.js';

const dead = (source: string, n: number): NewSourceDeadLetter => ({
  source, code: 'SWY_SOURCE_MAPPING_FAILED', reason: `bad message ${n}`,
  message: { origin: 'orders.in', headers: { 'ce-id': String(n), 'x-h': 'v' }, contentType: 'text/plain', body: Buffer.from(`m${n}`).toString('base64'), truncated: false },
});

const cases: Case[] = [
  ['source dead letters - kept as given, per source, oldest first, paged by cursor', async ({ store, clock }) => {
    const a1 = await store.sourceDeadLetters.add(dead('a', 1));
    assert.deepEqual(a1, { ...dead('a', 1), id: a1.id, deadAt: clock.now() });
    await store.sourceDeadLetters.add(dead('b', 2));
    await store.sourceDeadLetters.add(dead('a', 3));
    await store.sourceDeadLetters.add(dead('a', 4));
    const p1 = await store.sourceDeadLetters.list('a', { limit: 2 });
    assert.deepEqual(p1.items.map((d) => d.reason), ['bad message 1', 'bad message 3']);
    const p2 = await store.sourceDeadLetters.list('a', { after: p1.next, limit: 2 });
    assert.deepEqual([p2.items.map((d) => d.reason), p2.next], [['bad message 4'], undefined]);
    assert.deepEqual((await store.sourceDeadLetters.list('b', { limit: 10 })).items.map((d) => d.message.headers['ce-id']), ['2']);
  }],

  ['source dead letters - purge all of a source or some ids; other sources keep theirs', async ({ store }) => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await store.sourceDeadLetters.add(dead('a', i))).id);
    await store.sourceDeadLetters.add(dead('b', 9));
    assert.equal(await store.sourceDeadLetters.purge('a', [ids[0]!, 999_999]), 1);
    assert.equal((await store.sourceDeadLetters.list('a', { limit: 10 })).items.length, 2);
    assert.equal(await store.sourceDeadLetters.purge('a'), 2);
    assert.equal((await store.sourceDeadLetters.list('b', { limit: 10 })).items.length, 1);
  }],

  ['source dead letters - a reopened store keeps them', async ({ store, reopen }) => {
    await store.sourceDeadLetters.add(dead('kept', 1));
    const again = await reopen();
    assert.deepEqual((await again.sourceDeadLetters.list('kept', { limit: 10 })).items.map((d) => d.message.body), [Buffer.from('m1').toString('base64')]);
  }],
];

export function runSourceDeadLettersContract(opts: ContractOptions): void {
  runCases('source dead letters', opts, cases);
}
