// The event catalogue over real HTTP (GET /v1/catalog): counts kept at ingest across 100,000
// events, filters, cursor paging, the sample event byte-exact, the registered schema looked up
// when read, bus deletion, the per-bus cap, and problem+json for every bad query.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { BATCH, assertProblem, call, ce } from './_client.js';

interface Row {
  bus: string; source: string; type: string; count: number; firstSeen: string; lastSeen: string;
  sample: { sequence: number; id: string; event: Record<string, unknown> | null };
  schema: { name: string; source: string | null; latestVersion: number; dataschema: string; code: string } | null;
}
interface Page { items: Row[]; overflow: { bus: string; types: number; overflow: number }[]; next?: string }

const TYPES = 50;
const TOTAL = 100_000;
const BATCH_SIZE = 1000;

describe('event catalogue e2e', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ catalog: { maxTypesPerBus: 60 } });
  });
  after(() => s.close());

  const put = async (bus: string, evs: Record<string, unknown>[]): Promise<void> => {
    const a = await call(s.url, `/v1/buses/${bus}/events`, { body: JSON.stringify(evs), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text.slice(0, 300));
  };
  const page = async (qs: string): Promise<Page> => {
    const a = await call<Page>(s.url, `/v1/catalog?${qs}`);
    assert.equal(a.status, 200, a.text.slice(0, 300));
    return a.json;
  };
  const all = async (qs: string, limit = 17): Promise<Row[]> => {
    const rows: Row[] = [];
    let next: string | undefined;
    do {
      const p = await page(`${qs}&limit=${limit}${next === undefined ? '' : `&after=${next}`}`);
      rows.push(...p.items);
      next = p.next;
    } while (next !== undefined);
    return rows;
  };

  test('catalogue - 100,000 events over 50 types are counted per (source, type), paged with a cursor', { timeout: 240_000 }, async () => {
    assert.equal((await call(s.url, '/v1/buses', { json: { name: 'bulk' } })).status, 201);
    const batches = TOTAL / BATCH_SIZE;
    // Four requests in flight at a time: group commit merges them, the catalogue counts each once.
    for (let b = 0; b < batches; b += 4) {
      await Promise.all([0, 1, 2, 3].filter((k) => b + k < batches).map((k) => put('bulk', Array.from({ length: BATCH_SIZE }, (_, i) => {
        const n = (b + k) * BATCH_SIZE + i;
        return ce(`e${n}`, { source: n % 2 === 0 ? 'urn:even' : 'urn:odd', type: `bulk.t${String(n % TYPES).padStart(2, '0')}`, data: { n } });
      }))));
    }
    const rows = await all('bus=bulk');
    // n % 50 fixes n % 2, so each type has exactly one source: 50 pairs of 2,000 events each.
    assert.equal(rows.length, TYPES);
    assert.equal(rows.reduce((sum, r) => sum + r.count, 0), TOTAL);
    for (const r of rows) {
      const t = Number(r.type.slice('bulk.t'.length));
      assert.equal(r.source, t % 2 === 0 ? 'urn:even' : 'urn:odd', r.type);
      assert.equal(r.count, TOTAL / TYPES, r.type);
      assert.equal((r.sample.event?.['data'] as { n: number }).n, TOTAL - TYPES + t, 'the sample is the newest event of the pair');
      assert.equal(r.sample.id, `e${TOTAL - TYPES + t}`);
      assert.ok(Date.parse(r.firstSeen) <= Date.parse(r.lastSeen));
    }
    assert.deepEqual(rows.map((r) => `${r.source} ${r.type}`), rows.map((r) => `${r.source} ${r.type}`).sort(), 'ordered by source, then type');
    const odd = await all('bus=bulk&source=urn:odd&type=bulk.t1', 3);
    assert.deepEqual(odd.map((r) => r.type), ['bulk.t11', 'bulk.t13', 'bulk.t15', 'bulk.t17', 'bulk.t19']);
  });

  test('catalogue - the sample is byte-exact and a registered schema is named, with its generated code', async () => {
    assert.equal((await call(s.url, '/v1/buses', { json: { name: 'shop' } })).status, 201);
    const a = await call(s.url, '/v1/schemas/shop.order.created/versions', { json: { schema: { type: 'object', properties: { id: { type: 'integer' } } } } });
    assert.equal(a.status, 201, a.text);
    // Sent as text: 9007199254740993 is no exact JS number.
    const body = `[${JSON.stringify(ce('o1', { source: 'urn:shop', type: 'shop.order.created', data: {} })).replace('"data":{}', '"data":{"id":9007199254740993}')},${JSON.stringify(ce('x1', { source: 'urn:shop', type: 'shop.other' }))}]`;
    assert.equal((await call(s.url, '/v1/buses/shop/events', { body, headers: { 'content-type': BATCH } })).status, 202);
    const raw = await call(s.url, '/v1/catalog?bus=shop');
    assert.match(raw.text, /"id":9007199254740993/, 'a big number reaches the client as stored');
    const [order, other] = (raw.json as Page).items;
    assert.deepEqual(order?.schema, {
      name: 'shop.order.created', source: null, latestVersion: 1, dataschema: 'urn:switchyard:schema:shop.order.created:1',
      code: '/v1/schemas/shop.order.created/versions/1/code?lang=typescript',
    });
    assert.equal(other?.schema, null);
    await put('shop', [ce('huge', { source: 'urn:shop', type: 'shop.huge', data: 'x'.repeat(20_000) })]);
    const huge = (await page('bus=shop&type=shop.huge')).items[0];
    assert.deepEqual(huge?.sample, { sequence: 3, id: 'huge', event: null }, 'a sample over 16 KiB is named, not sent');
    const code = await call(s.url, order!.schema!.code);
    assert.equal(code.status, 200);
    assert.match(code.text, /ShopOrderCreated/);
  });

  test('catalogue - past catalog.maxTypesPerBus new pairs are counted in overflow, not listed', async () => {
    assert.equal((await call(s.url, '/v1/buses', { json: { name: 'wide' } })).status, 201);
    await put('wide', Array.from({ length: 70 }, (_, i) => ce(`w${i}`, { type: `wide.t${String(i).padStart(2, '0')}` })));
    await put('wide', [ce('w-again', { type: 'wide.t00' }), ce('w-new', { type: 'wide.zz' })]);
    const rows = await all('bus=wide', 100);
    assert.equal(rows.length, 60);
    assert.equal(rows.find((r) => r.type === 'wide.t00')?.count, 2);
    assert.deepEqual((await page('bus=wide')).overflow, [{ bus: 'wide', types: 60, overflow: 11 }]);
  });

  test('catalogue - deleting a bus removes its rows', async () => {
    assert.equal((await call(s.url, '/v1/buses', { json: { name: 'brief' } })).status, 201);
    await put('brief', [ce('b1')]);
    assert.equal((await page('bus=brief')).items.length, 1);
    assert.equal((await call(s.url, '/v1/buses/brief', { method: 'DELETE' })).status, 204);
    assert.deepEqual((await page('bus=brief')).items, []);
  });

  test('catalogue - bad queries are problem+json, one violation each', async () => {
    const bad = async (qs: string, code: string): Promise<void> => {
      const p = assertProblem(await call(s.url, `/v1/catalog?${qs}`), 400, code);
      assert.ok((p.violations ?? []).length >= 1, qs);
    };
    const cursor = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    await bad('after=bm90IGpzb24', 'SWY_API_INVALID_CURSOR');
    await bad(`after=${cursor({ bus: 'x' })}`, 'SWY_API_INVALID_CURSOR');
    await bad(`after=${cursor(['bad name!', 'a', 'b'])}`, 'SWY_API_INVALID_CURSOR');
    await bad(`after=${cursor([1, 2, 3])}`, 'SWY_API_INVALID_CURSOR');
    await bad('after=%2F%2F', 'SWY_API_VALIDATION');
    await bad('limit=0', 'SWY_API_VALIDATION');
    await bad('limit=abc', 'SWY_API_VALIDATION');
    await bad('bus=no%20spaces', 'SWY_API_VALIDATION');
    await bad('type=', 'SWY_API_VALIDATION');
    await bad('nope=1', 'SWY_API_VALIDATION');
    await bad(`source=${'x'.repeat(2000)}`, 'SWY_API_VALIDATION');
  });
});
