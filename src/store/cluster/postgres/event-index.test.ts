// Feeding the index as the log's consumer does: idempotent per (bus, sequence) and per delivery
// key, hostile attribute text kept rather than failing the consumer, unknown buses skipped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../core/index.js';
import type { AppendedEntry } from './index.js';
import { postgresPortsForFile } from './postgres-test-db.fixture.js';

const clock = new ManualClock();
const ports = postgresPortsForFile(process.env, clock);

const entry = (seq: number, extra: Partial<AppendedEntry['event']> = {}, deliveries: AppendedEntry['deliveries'] = []): AppendedEntry => ({
  event: {
    bus: 'default', sequence: seq, receivedAt: clock.now(), id: `e${seq}`, source: 'urn:s', type: 't', subject: null, time: null,
    mode: 'structured', size: 2, matchedRules: [], body: '{"data":"hello world"}', ...extra,
  },
  deliveries,
});

describe('postgres event index', () => {
  test('event index - recording an event again (a redelivered log message) indexes, counts and enqueues nothing more', async () => {
    const e = entry(1, {}, [{ rule: 'r', target: 't', group: null }, { rule: 'r', target: 'u', group: 'g' }]);
    assert.deepEqual(await ports().recordAppended([e]), { events: 1, deliveries: 2 });
    assert.deepEqual(await ports().recordAppended([e, e]), { events: 0, deliveries: 0 });
    assert.equal((await ports().eventTypes.list({ limit: 10 })).items[0]?.count, 1);
    assert.deepEqual((await ports().observe.deliveries('default', 1)).map((d) => `${d.target}:${d.state}`), ['t:pending', 'u:pending']);
    assert.equal((await ports().catalog.buses.get('default'))?.nextSequence, 2);
  });

  test('event index - NUL in attributes is kept as U+FFFD instead of failing the row forever', async () => {
    const n = await ports().indexAppended([entry(2, { id: 'a\u0000b', subject: 's\u0000', matchedRules: ['r\u0000'], type: 't\u0000' }).event]);
    assert.equal(n, 1);
    const { rows } = await ports().pool.query<{ id: string; subject: string }>('SELECT id, subject FROM event_index WHERE seq = 2');
    assert.deepEqual(rows[0], { id: 'a\uFFFDb', subject: 's\uFFFD' });
  });

  test('event index - attribute values and group keys far longer than a btree entry are indexed, found and leased', async () => {
    const long = (c: string): string => Array.from({ length: 20_000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('') + c;
    const [id, type, group] = [long('i'), long('t'), long('g')];
    const e = entry(3, { id, type, source: long('s') }, [{ rule: 'r', target: 'long', group }, { rule: 'r', target: 'long2', group }]);
    assert.deepEqual(await ports().recordAppended([e]), { events: 1, deliveries: 2 });
    assert.equal((await ports().observe.search({ bus: 'default', type, limit: 10 })).items.length, 0, 'no body from the log here: found in the index, left out of the page');
    assert.equal((await ports().pool.query('SELECT 1 FROM event_index WHERE md5(id) = md5($1) AND id = $1', [id])).rows.length, 1);
    const [d] = await ports().deliveries.lease({ bus: 'default', rule: 'r', target: 'long' }, clock.now(), clock.now() + 1000, 5);
    assert.equal(d?.group, group);
    assert.equal((await ports().eventTypes.list({ bus: 'default', typePrefix: type.slice(0, 100), limit: 5 })).items[0]?.type, type);
  });

  test('event index - events (and their deliveries) of a bus that does not exist are skipped', async () => {
    const n = await ports().recordAppended([entry(1, { bus: 'gone' }, [{ rule: 'r', target: 't', group: null }])]);
    assert.deepEqual(n, { events: 0, deliveries: 0 });
    assert.deepEqual(await ports().deliveries.activeTargets().then((ks) => ks.filter((k) => k.bus === 'gone')), []);
  });

  test('event index - a catalog change too long for a NOTIFY payload still reaches the watchers', async () => {
    const name = 'c'.repeat(9000);
    const seen: string[] = [];
    const stop = ports().catalog.watch((c) => void (c.type === 'connection' && seen.push(c.name)));
    try {
      await ports().catalog.connections.put({ name, kind: 'basic', description: null, config: {}, sealed: 's' });
      const end = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(seen, [name]);
    } finally {
      stop();
    }
  });
});
