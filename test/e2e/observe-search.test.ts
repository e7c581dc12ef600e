// Event search over real HTTP: full text (FTS5), event pattern (rules engine), matched rule,
// unmatched, and cursor pagination in sequence order across every filter.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { BATCH, assertProblem, call, ce, listAll, type StoredEventView } from './_client.js';

interface Page { items: StoredEventView[]; next?: number }

describe('observe search e2e', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    s = await startTestServer({ observe: { searchMaxScan: 100 } });
    base = s.url;
    assert.equal((await call(base, '/v1/buses', { json: { name: 'shop' } })).status, 201);
    for (const [name, pattern] of [['orders', { type: ['order.created'] }], ['big', { data: { total: [{ numeric: ['>=', 100] }] } }]] as const) {
      const a = await call(base, `/v1/buses/shop/rules/${name}`, { method: 'PUT', json: { filter: { pattern } } });
      assert.equal(a.status, 201, a.text);
    }
    // 300 events: every 3rd an order (total = i), others carts; words in data for full text.
    const events = Array.from({ length: 300 }, (_, i) => ce(`e-${i}`, {
      type: i % 3 === 0 ? 'order.created' : 'cart.updated',
      data: { total: i, note: i % 50 === 0 ? `gift wrapped parcel ${i}` : `plain parcel ${i}`, city: i % 2 === 0 ? 'Berlin' : 'Lisbon' },
    }));
    const a = await call(base, '/v1/buses/shop/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text);
  });
  after(() => s.close());

  const ids = (items: StoredEventView[]): unknown[] => items.map((e) => e.event['id']);
  const page = async (qs: string): Promise<Page> => {
    const a = await call<Page>(base, `/v1/buses/shop/events?${qs}`);
    assert.equal(a.status, 200, a.text);
    return a.json;
  };

  test('search - q finds events whose data holds every word, case-insensitively', async () => {
    const all = await listAll(base, 'shop', 'q=gift+wrapped');
    assert.deepEqual(ids(all), ['e-0', 'e-50', 'e-100', 'e-150', 'e-200', 'e-250']);
    assert.deepEqual(ids(await listAll(base, 'shop', 'q=GIFT+berlin')), ['e-0', 'e-50', 'e-100', 'e-150', 'e-200', 'e-250']);
    assert.deepEqual(ids(await listAll(base, 'shop', 'q=gift+lisbon')), []);
    // Attribute values are not payload: the type is not found by full text.
    assert.deepEqual(await listAll(base, 'shop', 'q=cart'), []);
  });

  test('search - q with FTS syntax characters is taken as plain words', async () => {
    for (const q of ['"', 'parcel OR', 'NEAR(a b)', '*', 'a:b', "'); DROP TABLE events; --"]) {
      const a = await call<Page>(base, `/v1/buses/shop/events?q=${encodeURIComponent(q)}`);
      assert.equal(a.status, 200, `${q}: ${a.text}`);
    }
  });

  test('search - a NUL in q is a 400 naming the parameter, not a 500 from the full-text index', async () => {
    for (const q of ['a%00b', '%00', 'parcel%00gift']) {
      const p = assertProblem(await call(base, `/v1/buses/shop/events?q=${q}`), 400, 'SWY_API_VALIDATION');
      assert.deepEqual(p.violations?.map((v) => v.path), ['/querystring/q']);
      assert.match(p.violations?.[0]?.reason ?? '', /NUL/);
    }
  });

  test('search - pattern filters with the rules engine, paging through every match', async () => {
    const pattern = encodeURIComponent(JSON.stringify({ type: ['order.created'], data: { total: [{ numeric: ['>', 240] }] } }));
    const all = await listAll(base, 'shop', `pattern=${pattern}`);
    assert.deepEqual(ids(all), ['e-243', 'e-246', 'e-249', 'e-252', 'e-255', 'e-258', 'e-261', 'e-264', 'e-267', 'e-270', 'e-273', 'e-276', 'e-279', 'e-282', 'e-285', 'e-288', 'e-291', 'e-294', 'e-297']);
  });

  test('search - a pattern scan stops at searchMaxScan with a next cursor that continues without a gap', async () => {
    const pattern = encodeURIComponent(JSON.stringify({ data: { total: [299] } }));
    const first = await page(`pattern=${pattern}&limit=10`);
    assert.deepEqual(first.items, []);
    assert.equal(first.next, 100, 'the scan examined searchMaxScan (100) events');
    const second = await page(`pattern=${pattern}&limit=10&after=${first.next}`);
    assert.deepEqual(second.items, []);
    assert.equal(second.next, 200);
    const third = await page(`pattern=${pattern}&limit=10&after=${second.next}`);
    assert.deepEqual(ids(third.items), ['e-299']);
    assert.equal(third.next, undefined);
  });

  test('search - rule narrows to events that matched it; state=unmatched to those no rule matched', async () => {
    const orders = await listAll(base, 'shop', 'rule=orders');
    assert.equal(orders.length, 100);
    assert.ok(orders.every((e) => e.event['type'] === 'order.created' && (e as { matchedRules?: string[] }).matchedRules?.includes('orders') === true));
    const bigOrders = await listAll(base, 'shop', 'rule=big&type=order.created');
    // Orders (i % 3 == 0) with total i >= 100: i = 102, 105, ..., 297; sequence i + 1.
    assert.deepEqual(bigOrders.map((e) => e.sequence), Array.from({ length: 66 }, (_, k) => 103 + k * 3));
    const unmatched = await listAll(base, 'shop', 'state=unmatched');
    // Carts below 100 match no rule; orders match "orders", totals >= 100 match "big".
    assert.equal(unmatched.length, 66);
    assert.ok(unmatched.every((e) => e.event['type'] === 'cart.updated' && (e.event['data'] as { total: number }).total < 100));
  });

  test('search - filters combine and page in sequence order with next cursors', async () => {
    const pattern = encodeURIComponent(JSON.stringify({ data: { city: ['Berlin'] } }));
    const seen: number[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const p = await page(`q=parcel&rule=orders&pattern=${pattern}&limit=7${cursor}`);
      seen.push(...p.items.map((e) => e.sequence));
      if (p.next === undefined) break;
      cursor = `&after=${p.next}`;
    }
    // Orders (i % 3 == 0) in Berlin (i even): i % 6 == 0, sequence i + 1.
    assert.deepEqual(seen, Array.from({ length: 50 }, (_, k) => k * 6 + 1));
  });

  test('search - a bad pattern or state is a 400 problem naming the parameter', async () => {
    const p = assertProblem(await call(base, `/v1/buses/shop/events?pattern=${encodeURIComponent('{"type": "not-an-array"}')}`), 400, 'SWY_OBSERVE_INVALID_PATTERN');
    assert.ok(p.violations?.some((v) => v.path.startsWith('/querystring/pattern')), JSON.stringify(p));
    assertProblem(await call(base, '/v1/buses/shop/events?pattern=%7B'), 400, 'SWY_OBSERVE_INVALID_PATTERN');
    const st = await call(base, '/v1/buses/shop/events?state=lost');
    assert.equal(st.status, 400, st.text);
    assert.match(st.text, /state/);
  });
});
