// DurableConsumers over a real SQLite store: a fetch through a pattern looks at a bounded number
// of events and answers the offset it reached; a long-poll fetch woken by appends goes on from
// where it stopped looking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/index.js';
import { SqliteStore, type AppendItem } from '../store/index.js';
import { DurableConsumers, MAX_FETCH_SCAN } from './durable-consumers.js';

const open = (clock: ManualClock): SqliteStore => new SqliteStore({
  dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 5000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 86_400_000, sweepBatch: 1000, clock, walCheckpointMs: 0,
});
const item = (id: string, type: string): AppendItem => {
  const body = JSON.stringify({ specversion: '1.0', id, source: 's', type });
  return { bus: 'default', id, source: 's', type, subject: undefined, time: undefined, body, size: body.length, mode: 'structured', matchedRules: [] };
};

test('durable consumers - a fetch through a pattern looks at no more than MAX_FETCH_SCAN events and answers the offset it reached', async () => {
  const clock = new ManualClock();
  const store = open(clock);
  try {
    const n = MAX_FETCH_SCAN + 2000;
    for (let i = 0; i < n; i += 1000) await store.events.append(Array.from({ length: 1000 }, (_, k) => item(`e${i + k}`, 'other')));
    await store.events.append([item('hit', 'wanted')]);
    const c = new DurableConsumers({ store, clock });
    await c.create('default', 'r', { type: ['wanted'] }, { type: 'earliest' });
    const first = await c.fetch('default', 'r', 10, 0);
    assert.deepEqual([first.events.length, first.offset, first.lag], [0, MAX_FETCH_SCAN, n + 1]);
    await c.commit('default', 'r', first.offset);
    const second = await c.fetch('default', 'r', 10, 0);
    assert.deepEqual([second.events.map((e) => e.id), second.offset], [['hit'], n + 1]);
  } finally {
    await store.close();
  }
});

test('durable consumers - a waiting fetch woken by appends it skips goes on from where it stopped, and answers with the first match', async () => {
  const clock = new ManualClock();
  const store = open(clock);
  const listeners = new Set<() => void>();
  const c = new DurableConsumers({ store, clock, appends: { subscribe: (_bus, l) => { listeners.add(l); return () => listeners.delete(l); } } });
  try {
    await c.create('default', 'r', { type: ['wanted'] }, { type: 'latest' });
    const p = c.fetch('default', 'r', 10, 60_000);
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 20));
      await store.events.append([item(`skip${round}`, 'other')]);
      for (const l of listeners) l();
    }
    await new Promise((r) => setTimeout(r, 20));
    await store.events.append([item('hit', 'wanted')]);
    for (const l of listeners) l();
    const r = await p;
    assert.deepEqual([r.events.map((e) => e.id), r.offset], [['hit'], 4]);
    assert.equal(listeners.size, 0, 'the append subscription ends with the fetch');
    assert.equal(c.waiting, 0);
  } finally {
    c.close();
    await store.close();
  }
});
