// Ingest over real HTTP: the three CloudEvents content modes, PutEvents with partial failure,
// and idempotence on (source, id).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { BATCH, STRUCTURED, assertProblem, call, ce, listAll } from './_client.js';

interface PutAnswer { results: { id: string; source: string; sequence: number; duplicate?: boolean }[] }
interface EntriesAnswer {
  failedCount: number;
  results: ({ id: string; source: string; sequence: number; duplicate?: boolean } | { error: { code: string; message: string; violations?: { path: string; reason: string }[] } })[];
}

describe('ingest e2e', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    s = await startTestServer();
    base = s.url;
  });
  after(() => s.close());

  const newBus = async (name: string): Promise<void> => {
    const a = await call(base, '/v1/buses', { json: { name } });
    assert.equal(a.status, 201, a.text);
  };

  test('ingest - binary mode stores the headers as attributes and the body byte-exact', async () => {
    await newBus('binary');
    const body = '{"n":9007199254740993,"s":"é"}';
    const a = await call<PutAnswer>(base, '/v1/buses/binary/events', {
      body,
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0', 'ce-id': 'b-1', 'ce-source': 'urn:e2e', 'ce-type': 'com.example.bin',
        'ce-subject': 'caf%C3%A9', 'ce-time': '2024-01-02T03:04:05Z', 'ce-tenant': 'acme',
      },
    });
    assert.equal(a.status, 202, a.text);
    assert.deepEqual(a.json, { results: [{ id: 'b-1', source: 'urn:e2e', sequence: 1 }] });
    const g = await call<{ event: Record<string, unknown>; sequence: number }>(base, '/v1/buses/binary/events/b-1');
    assert.equal(g.status, 200);
    assert.equal(g.json.sequence, 1);
    assert.deepEqual(Object.keys(g.json.event).sort(), ['data', 'datacontenttype', 'id', 'source', 'specversion', 'subject', 'tenant', 'time', 'type']);
    assert.equal(g.json.event['subject'], 'café');
    assert.equal(g.json.event['tenant'], 'acme');
    assert.equal(g.json.event['datacontenttype'], 'application/json');
    // The data's number text survives beyond double precision: the answer splices the stored text.
    assert.ok(g.text.includes('"data":{"n":9007199254740993,"s":"é"}'), g.text);
  });

  test('ingest - binary mode keeps opaque bytes as data_base64', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 0xfe, 0xff]);
    const a = await call<PutAnswer>(base, '/v1/buses/binary/events', {
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', 'ce-specversion': '1.0', 'ce-id': 'b-2', 'ce-source': 'urn:e2e', 'ce-type': 't' },
    });
    assert.equal(a.status, 202, a.text);
    assert.equal(a.json.results[0]!.sequence, 2);
    const g = await call<{ event: Record<string, unknown> }>(base, '/v1/buses/binary/events/b-2');
    assert.equal(g.json.event['data_base64'], Buffer.from(bytes).toString('base64'));
  });

  test('ingest - structured mode (charset accepted) stores the event as sent', async () => {
    const ev = ce('s-1', { subject: 'x', data: { a: [1, 2, { b: null }] }, ext1: 7, flag: true });
    const a = await call<PutAnswer>(base, '/v1/buses/default/events', { body: JSON.stringify(ev), headers: { 'content-type': `${STRUCTURED}; charset=UTF-8` } });
    assert.equal(a.status, 202, a.text);
    assert.equal(a.json.results.length, 1);
    assert.equal(a.json.results[0]!.id, 's-1');
    const g = await call<{ event: Record<string, unknown> }>(base, '/v1/buses/default/events/s-1');
    assert.deepEqual(g.json.event, ev);
  });

  test('ingest - batch mode stores every event in order with consecutive sequences', async () => {
    await newBus('batch');
    const evs = Array.from({ length: 50 }, (_, i) => ce(`k-${i}`, { data: { i } }));
    const a = await call<PutAnswer>(base, '/v1/buses/batch/events', { body: JSON.stringify(evs), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text);
    assert.deepEqual(a.json.results.map((r) => r.sequence), evs.map((_, i) => i + 1));
    assert.deepEqual(a.json.results.map((r) => r.id), evs.map((e) => e['id']));
    const stored = await listAll(base, 'batch');
    assert.deepEqual(stored.map((e) => e.event), evs);
  });

  test('ingest - an invalid event in a batch rejects the whole batch with every violation', async () => {
    const evs = [ce('ok-1'), { specversion: '1.0', id: '', source: 'urn:e2e', type: 't' }, ce('ok-2', { time: 'lunchtime' })];
    const a = await call(base, '/v1/buses/batch/events', { body: JSON.stringify(evs), headers: { 'content-type': BATCH } });
    const p = assertProblem(a, 400, 'SWY_EVENT_INVALID');
    const paths = (p.violations ?? []).map((v) => v.path).sort();
    assert.deepEqual(paths, ['/1/id', '/2/time']);
    assert.equal((await listAll(base, 'batch')).length, 50);
  });

  test('ingest - a put to a missing bus is a 404 problem', async () => {
    const a = await call(base, '/v1/buses/nope/events', { body: JSON.stringify(ce('x')), headers: { 'content-type': STRUCTURED } });
    assertProblem(a, 404, 'SWY_STORE_BUS_NOT_FOUND');
    // Whatever the body: an empty batch and an invalid event are 404s on a missing bus too.
    assertProblem(await call(base, '/v1/buses/nope/events', { body: '[]', headers: { 'content-type': BATCH } }), 404, 'SWY_STORE_BUS_NOT_FOUND');
    assertProblem(await call(base, '/v1/buses/nope/events', { body: '{}', headers: { 'content-type': STRUCTURED } }), 404, 'SWY_STORE_BUS_NOT_FOUND');
    assertProblem(await call(base, '/v1/buses/nope/events', { body: JSON.stringify([ce('n-1'), ce('n-2')]), headers: { 'content-type': BATCH } }), 404, 'SWY_STORE_BUS_NOT_FOUND');
  });

  test('ingest - PutEvents stores valid entries and fails invalid ones alone', async () => {
    await newBus('pe');
    const a = await call<EntriesAnswer>(base, '/v1/events', {
      json: {
        entries: [
          { bus: 'pe', ...ce('p-1', { data: { x: 1 } }) },
          { bus: 'pe', specversion: '1.0', id: 'p-2', source: 'urn:e2e' },
          { bus: 'missing', ...ce('p-3') },
          'not an object',
          ce('p-5'),
          { bus: 'pe', ...ce('p-6', { data: 'x'.repeat(300 * 1024) }) },
          { bus: 'pe', ...ce('p-7') },
        ],
      },
    });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.failedCount, 4);
    const [r1, r2, r3, r4, r5, r6, r7] = a.json.results;
    assert.deepEqual(r1, { id: 'p-1', source: 'urn:e2e', sequence: 1 });
    assert.ok(r2 !== undefined && 'error' in r2 && r2.error.code === 'SWY_EVENT_INVALID');
    assert.deepEqual(r2.error.violations?.map((v) => v.path), ['/entries/1/type']);
    assert.ok(r3 !== undefined && 'error' in r3 && r3.error.code === 'SWY_STORE_BUS_NOT_FOUND');
    assert.ok(r4 !== undefined && 'error' in r4 && r4.error.code === 'SWY_INGEST_INVALID_ENTRIES');
    assert.ok(r5 !== undefined && 'sequence' in r5 && r5.id === 'p-5');
    assert.ok(r6 !== undefined && 'error' in r6 && r6.error.code === 'SWY_EVENT_TOO_LARGE');
    assert.deepEqual(r7, { id: 'p-7', source: 'urn:e2e', sequence: 2 });
    assert.deepEqual((await listAll(base, 'pe')).map((e) => e.event['id']), ['p-1', 'p-7']);
    const d = await call<{ event: Record<string, unknown> }>(base, '/v1/buses/default/events/p-5');
    assert.equal(d.status, 200, 'an entry without bus goes to default');
  });

  test('ingest - PutEvents without an entries array is a 400 problem', async () => {
    assertProblem(await call(base, '/v1/events', { json: { entries: [] } }), 400, 'SWY_INGEST_INVALID_ENTRIES');
    assertProblem(await call(base, '/v1/events', { json: { nothing: 1 } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(base, '/v1/events', { json: { entries: Array.from({ length: 1001 }, (_, i) => ce(`m-${i}`)) } }), 400, 'SWY_INGEST_INVALID_ENTRIES');
  });

  test('ingest - a repeated (source, id) answers duplicate: true with the first sequence and is stored once', async () => {
    await newBus('dedupe');
    const put = (ev: Record<string, unknown>): Promise<{ status: number; json: PutAnswer }> =>
      call<PutAnswer>(base, '/v1/buses/dedupe/events', { body: JSON.stringify(ev), headers: { 'content-type': STRUCTURED } });
    const first = await put(ce('d-1', { data: { v: 1 } }));
    assert.deepEqual(first.json.results, [{ id: 'd-1', source: 'urn:e2e', sequence: 1 }]);
    const again = await put(ce('d-1', { data: { v: 2 } }));
    assert.equal(again.status, 202);
    assert.deepEqual(again.json.results, [{ id: 'd-1', source: 'urn:e2e', sequence: 1, duplicate: true }]);
    // Binary mode and PutEvents see the same (source, id).
    const bin = await call<PutAnswer>(base, '/v1/buses/dedupe/events', {
      headers: { 'ce-specversion': '1.0', 'ce-id': 'd-1', 'ce-source': 'urn:e2e', 'ce-type': 't' },
      body: '',
      method: 'POST',
    });
    assert.deepEqual(bin.json.results, [{ id: 'd-1', source: 'urn:e2e', sequence: 1, duplicate: true }]);
    const pe = await call<EntriesAnswer>(base, '/v1/events', { json: { entries: [{ bus: 'dedupe', ...ce('d-1') }, { bus: 'dedupe', ...ce('d-1', { source: 'urn:other' }) }] } });
    assert.deepEqual(pe.json.results, [
      { id: 'd-1', source: 'urn:e2e', sequence: 1, duplicate: true },
      { id: 'd-1', source: 'urn:other', sequence: 2 },
    ]);
    // Within one batch the second copy is the duplicate.
    const batch = await call<PutAnswer>(base, '/v1/buses/dedupe/events', { body: JSON.stringify([ce('d-3'), ce('d-3')]), headers: { 'content-type': BATCH } });
    assert.deepEqual(batch.json.results, [{ id: 'd-3', source: 'urn:e2e', sequence: 3 }, { id: 'd-3', source: 'urn:e2e', sequence: 3, duplicate: true }]);
    const stored = await listAll(base, 'dedupe');
    assert.deepEqual(stored.map((e) => [e.sequence, e.event['id'], e.event['source']]), [[1, 'd-1', 'urn:e2e'], [2, 'd-1', 'urn:other'], [3, 'd-3', 'urn:e2e']]);
    assert.deepEqual(stored[0]!.event['data'], { v: 1 }, 'the first copy is kept');
  });

  test('ingest - concurrent puts get distinct gap-free sequences', async () => {
    await newBus('conc');
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      call<PutAnswer>(base, '/v1/buses/conc/events', { body: JSON.stringify(ce(`c-${i}`)), headers: { 'content-type': STRUCTURED } })));
    const seqs = answers.map((a) => a.json.results[0]!.sequence).sort((x, y) => x - y);
    assert.deepEqual(seqs, Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
