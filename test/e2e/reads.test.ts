// Reads and buses over real HTTP: get by id, list with every filter and cursor pagination,
// bus create/list/get/delete, and retention by count enforced by the background sweep.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { BATCH, assertProblem, call, ce, listAll, until, type StoredEventView } from './_client.js';

interface Page { items: StoredEventView[]; next?: number }
interface BusView { name: string; description: string | null; createdAt: string; retention: { maxAgeMs: number | null; maxCount: number | null }; lastSequence: number }

describe('reads e2e', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    s = await startTestServer({ retention: { sweepIntervalMs: 100 } });
    base = s.url;
  });
  after(() => s.close());

  const putBatch = async (bus: string, evs: Record<string, unknown>[]): Promise<void> => {
    const a = await call(base, `/v1/buses/${bus}/events`, { body: JSON.stringify(evs), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text);
  };
  const page = async (bus: string, qs: string): Promise<Page> => {
    const a = await call<Page>(base, `/v1/buses/${bus}/events?${qs}`);
    assert.equal(a.status, 200, a.text);
    return a.json;
  };
  const ids = (p: { items: StoredEventView[] } | StoredEventView[]): unknown[] => ('items' in p ? p.items : p).map((e) => e.event['id']);

  describe('events', () => {
    let tSplit: string;
    before(async () => {
      assert.equal((await call(base, '/v1/buses', { json: { name: 'reads' } })).status, 201);
      // 30 events over three types, two sources and three subjects, in two time-separated rounds.
      const round = (from: number): Record<string, unknown>[] => Array.from({ length: 15 }, (_, k) => {
        const i = from + k;
        return ce(`e-${i}`, { type: `t.${i % 3}`, source: i % 2 === 0 ? 'urn:even' : 'urn:odd', subject: `s${i % 5}`, data: { i } });
      });
      await putBatch('reads', round(0));
      const first = await listAll(base, 'reads');
      const lastMs = Date.parse(first[first.length - 1]!.receivedAt);
      await until('the clock passes the first round', () => Date.now() > lastMs);
      await putBatch('reads', round(15));
      const all = await listAll(base, 'reads');
      tSplit = all[15]!.receivedAt;
      assert.ok(Date.parse(tSplit) > lastMs);
    });

    test('reads - get by id answers the event, its sequence and receivedAt', async () => {
      const a = await call<StoredEventView>(base, '/v1/buses/reads/events/e-7');
      assert.equal(a.status, 200);
      assert.equal(a.json.sequence, 8);
      assert.deepEqual(a.json.event, ce('e-7', { type: 't.1', source: 'urn:odd', subject: 's2', data: { i: 7 } }));
      assert.ok(!Number.isNaN(Date.parse(a.json.receivedAt)));
    });

    test('reads - get by id narrows by source and answers 404 problems', async () => {
      assert.equal((await call(base, '/v1/buses/reads/events/e-7?source=urn:odd')).status, 200);
      assertProblem(await call(base, '/v1/buses/reads/events/e-7?source=urn:even'), 404, 'SWY_STORE_EVENT_NOT_FOUND');
      assertProblem(await call(base, '/v1/buses/reads/events/nope'), 404, 'SWY_STORE_EVENT_NOT_FOUND');
      assertProblem(await call(base, '/v1/buses/nobus/events/e-7'), 404, 'SWY_STORE_BUS_NOT_FOUND');
      assertProblem(await call(base, '/v1/buses/nobus/events'), 404, 'SWY_STORE_BUS_NOT_FOUND');
    });

    test('reads - list returns events in sequence order', async () => {
      const p = await page('reads', '');
      assert.deepEqual(p.items.map((e) => e.sequence), Array.from({ length: 30 }, (_, i) => i + 1));
      assert.equal(p.next, undefined);
    });

    test('reads - list filters by type, source and subject, alone and combined', async () => {
      const want = (pred: (i: number) => boolean): string[] => Array.from({ length: 30 }, (_, i) => i).filter(pred).map((i) => `e-${i}`);
      assert.deepEqual(ids(await page('reads', 'type=t.1')), want((i) => i % 3 === 1));
      assert.deepEqual(ids(await page('reads', 'source=urn:even')), want((i) => i % 2 === 0));
      assert.deepEqual(ids(await page('reads', 'subject=s3')), want((i) => i % 5 === 3));
      assert.deepEqual(ids(await page('reads', 'type=t.0&source=urn:odd&subject=s0')), want((i) => i % 3 === 0 && i % 2 === 1 && i % 5 === 0));
      assert.deepEqual(ids(await page('reads', 'type=t.9')), []);
    });

    test('reads - list filters by receive time: from inclusive, to exclusive, RFC 3339 or epoch ms', async () => {
      const ms = Date.parse(tSplit);
      assert.deepEqual(ids(await page('reads', `from=${encodeURIComponent(tSplit)}`)), Array.from({ length: 15 }, (_, k) => `e-${15 + k}`));
      assert.deepEqual(ids(await page('reads', `to=${ms}`)), Array.from({ length: 15 }, (_, k) => `e-${k}`));
      assert.deepEqual(ids(await page('reads', `from=${ms}&to=${ms + 1}&type=t.0`)), ['e-15', 'e-18', 'e-21', 'e-24', 'e-27'], 'one batch shares one receive time');
      assert.deepEqual(ids(await page('reads', `from=${ms + 3_600_000}`)), []);
      assertProblem(await call(base, '/v1/buses/reads/events?from=yesterday'), 400, 'SWY_API_INVALID_CURSOR');
    });

    test('reads - cursor pagination with limit walks every event exactly once', async () => {
      const seen: number[] = [];
      let after: number | undefined;
      let pages = 0;
      for (;;) {
        const p = await page('reads', `limit=7${after === undefined ? '' : `&after=${after}`}`);
        pages++;
        assert.ok(p.items.length <= 7);
        seen.push(...p.items.map((e) => e.sequence));
        if (p.next === undefined) break;
        assert.equal(p.next, p.items[p.items.length - 1]!.sequence);
        after = p.next;
      }
      assert.equal(pages, 5);
      assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => i + 1));
      // The cursor composes with filters.
      const f1 = await page('reads', 'type=t.2&limit=3');
      const f2 = await page('reads', `type=t.2&limit=3&after=${f1.next}`);
      assert.deepEqual([...ids(f1), ...ids(f2)], ['e-2', 'e-5', 'e-8', 'e-11', 'e-14', 'e-17']);
    });

    test('reads - bad query parameters are 400 problems with the parameter named', async () => {
      const p = assertProblem(await call(base, '/v1/buses/reads/events?limit=0'), 400, 'SWY_API_VALIDATION');
      assert.ok(p.violations?.some((v) => v.path.includes('limit')), JSON.stringify(p));
      assertProblem(await call(base, '/v1/buses/reads/events?limit=1001'), 400, 'SWY_API_VALIDATION');
      assertProblem(await call(base, '/v1/buses/reads/events?after=-1'), 400, 'SWY_API_VALIDATION');
      assertProblem(await call(base, '/v1/buses/reads/events?after=abc'), 400, 'SWY_API_VALIDATION');
      const u = assertProblem(await call(base, '/v1/buses/reads/events?colour=red'), 400, 'SWY_API_VALIDATION');
      assert.ok(u.violations?.some((v) => v.path.endsWith('/colour')), JSON.stringify(u));
    });
  });

  describe('buses', () => {
    test('buses - default exists and cannot be deleted', async () => {
      const a = await call<BusView>(base, '/v1/buses/default');
      assert.equal(a.status, 200);
      assert.equal(a.json.name, 'default');
      assert.equal(a.json.retention.maxAgeMs, 7 * 24 * 3600 * 1000);
      assertProblem(await call(base, '/v1/buses/default', { method: 'DELETE' }), 409, 'SWY_STORE_BUS_PROTECTED');
    });

    test('buses - create, list, get and delete', async () => {
      const c = await call<BusView>(base, '/v1/buses', { json: { name: 'orders.v1', description: 'orders', retention: { maxAgeMs: 3_600_000, maxCount: 10 } } });
      assert.equal(c.status, 201, c.text);
      assert.equal(c.headers.get('location'), '/v1/buses/orders.v1');
      assert.deepEqual({ ...c.json, createdAt: undefined }, { name: 'orders.v1', description: 'orders', createdAt: undefined, retention: { maxAgeMs: 3_600_000, maxCount: 10 }, lastSequence: 0 });
      assertProblem(await call(base, '/v1/buses', { json: { name: 'orders.v1' } }), 409, 'SWY_STORE_BUS_EXISTS');

      const l = await call<{ items: BusView[] }>(base, '/v1/buses');
      assert.ok(l.json.items.some((b) => b.name === 'orders.v1'));
      assert.ok(l.json.items.some((b) => b.name === 'default'));

      await putBatch('orders.v1', [ce('o-1'), ce('o-2')]);
      assert.equal((await call<BusView>(base, '/v1/buses/orders.v1')).json.lastSequence, 2);

      assert.equal((await call(base, '/v1/buses/orders.v1', { method: 'DELETE' })).status, 204);
      assertProblem(await call(base, '/v1/buses/orders.v1'), 404, 'SWY_STORE_BUS_NOT_FOUND');
      assertProblem(await call(base, '/v1/buses/orders.v1', { method: 'DELETE' }), 404, 'SWY_STORE_BUS_NOT_FOUND');
      assertProblem(await call(base, '/v1/buses/orders.v1/events'), 404, 'SWY_STORE_BUS_NOT_FOUND');
      assert.ok(!(await call<{ items: BusView[] }>(base, '/v1/buses')).json.items.some((b) => b.name === 'orders.v1'));

      // Re-created under the same name, the bus starts empty and forgets the old (source, id)s.
      assert.equal((await call(base, '/v1/buses', { json: { name: 'orders.v1' } })).status, 201);
      assert.deepEqual(await listAll(base, 'orders.v1'), []);
      const again = await call<{ results: { sequence: number; duplicate?: boolean }[] }>(base, '/v1/buses/orders.v1/events', { body: JSON.stringify([ce('o-1')]), headers: { 'content-type': BATCH } });
      assert.deepEqual(again.json.results.map((r) => [r.sequence, r.duplicate]), [[1, undefined]]);
    });

    test('buses - invalid create requests are 400 problems naming each field', async () => {
      const p = assertProblem(await call(base, '/v1/buses', { json: { name: '-bad name', retention: { maxCount: 0 }, colour: 'red' } }), 400, 'SWY_API_VALIDATION');
      const paths = (p.violations ?? []).map((v) => v.path);
      assert.ok(paths.includes('/body/name'), JSON.stringify(paths));
      assert.ok(paths.includes('/body/colour'), JSON.stringify(paths));
      assert.ok(paths.includes('/body/retention/maxCount'), JSON.stringify(paths));
      assertProblem(await call(base, '/v1/buses', { json: { name: 'x', retention: { maxAgeMs: 5 } } }), 400, 'SWY_API_VALIDATION');
      assertProblem(await call(base, '/v1/buses', { json: {} }), 400, 'SWY_API_VALIDATION');
    });

    test('buses - a JSON body is taken as sent: a number as text, a string as a number or an object as an array is a 400, never converted', async () => {
      const cases: [unknown, string][] = [
        [{ name: 'coerced-1', retention: { maxCount: '10' } }, '/body/retention/maxCount'],
        [{ name: 'coerced-2', retention: { maxAgeMs: true } }, '/body/retention/maxAgeMs'],
        [{ name: 12345 }, '/body/name'],
        [{ name: 'coerced-3', description: 7 }, '/body/description'],
        [{ name: 'coerced-4', description: ['a'] }, '/body/description'],
      ];
      for (const [json, path] of cases) {
        const p = assertProblem(await call(base, '/v1/buses', { json }), 400, 'SWY_API_VALIDATION');
        assert.ok((p.violations ?? []).some((v) => v.path === path), `${JSON.stringify(json)}: ${JSON.stringify(p.violations)}`);
      }
      // Nothing was created by any of them.
      const l = await call<{ items: BusView[] }>(base, '/v1/buses');
      assert.ok(!l.json.items.some((b) => b.name.startsWith('coerced-') || b.name === '12345'), JSON.stringify(l.json.items.map((b) => b.name)));
      // Query parameters are text: numbers there are still read from their text form.
      assert.equal((await call(base, '/v1/buses/reads/events?limit=2')).status, 200);
    });

    test('buses - retention by count: the sweep keeps the newest maxCount events and sequences go on', async () => {
      assert.equal((await call(base, '/v1/buses', { json: { name: 'short', retention: { maxCount: 5 } } })).status, 201);
      await putBatch('short', Array.from({ length: 20 }, (_, i) => ce(`r-${i}`)));
      await until('the sweep trims the bus to 5 events', async () => (await listAll(base, 'short')).length === 5);
      const kept = await listAll(base, 'short');
      assert.deepEqual(kept.map((e) => e.sequence), [16, 17, 18, 19, 20]);
      assert.deepEqual(ids(kept), ['r-15', 'r-16', 'r-17', 'r-18', 'r-19']);
      assertProblem(await call(base, '/v1/buses/short/events/r-0'), 404, 'SWY_STORE_EVENT_NOT_FOUND');
      await putBatch('short', [ce('r-20'), ce('r-21')]);
      await until('the sweep trims again', async () => (await listAll(base, 'short'))[0]?.sequence === 18);
      assert.deepEqual((await listAll(base, 'short')).map((e) => e.sequence), [18, 19, 20, 21, 22]);
      // A bus without a count limit is untouched by the sweep.
      assert.equal((await listAll(base, 'reads')).length, 30);
    });
  });
});
