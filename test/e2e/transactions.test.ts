// Transactional ("half") messages end to end on a server with a ManualClock: held events are not
// readable or delivered until the commit, which stores them all in put order; rollbacks discard;
// check-backs ask the producer's check URL (signed) and follow its answer, up to the limit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { signatureV1 } from '../../src/delivery/signing/index.js';
import { BATCH, STRUCTURED, assertProblem, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { putRule, startReceiver, trace, untilFinal, type Receiver } from './_delivery-receiver.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1));
let t: TestServer;
let rx: Receiver;
/** The producer's check endpoint: answers what `answers` says next (default unknown). */
let check: Receiver;
const answers: string[] = [];

interface TxView {
  id: string; state: string; events: number; checks: number; nextCheckAt: string | null; signingSecret?: string;
  sequences: { first: number; last: number } | null; history: { type: string; answer?: string; by?: string; detail?: string }[];
}

before(async () => {
  rx = await startReceiver(() => ({ status: 200 }));
  check = await startReceiver(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: answers.shift() ?? 'unknown' }) }));
  t = await startTestServer({
    delivery: { pollIntervalMs: 20 },
    transactions: { maxEvents: 5, maxOpen: 20, maxChecks: 2, checkIntervalMs: 60_000, checkAfterMs: 10_000 },
  }, { clock });
  await putRule(t.url, 'default', 'tx', { filter: { pattern: { source: ['urn:tx'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
});
after(async () => {
  await t.close();
  await rx.close();
  await check.close();
});

async function begin(body: Record<string, unknown> = {}, bus = 'default'): Promise<TxView> {
  const a = await call<TxView>(t.url, `/v1/buses/${bus}/transactions`, { json: body });
  assert.equal(a.status, 201, a.text);
  return a.json;
}

const putInto = (tx: string, events: Record<string, unknown>[], bus = 'default') => call<{ results: { id: string; transaction?: string; sequence?: number }[] }>(t.url, `/v1/buses/${bus}/events`, {
  body: JSON.stringify(events.length === 1 ? events[0] : events), headers: { 'content-type': events.length === 1 ? STRUCTURED : BATCH, 'switchyard-transaction': tx },
});
const getTx = async (id: string): Promise<TxView> => (await call<TxView>(t.url, `/v1/buses/default/transactions/${id}`)).json;
const readable = async (id: string): Promise<boolean> => (await call(t.url, `/v1/buses/default/events/${id}`)).status === 200;

test('transactions - held events are invisible and undelivered until the commit stores them in put order', async () => {
  const tx = await begin();
  assert.equal(tx.state, 'open');
  const one = await putInto(tx.id, [ce('h1', { source: 'urn:tx' })]);
  assert.equal(one.status, 202, one.text);
  assert.deepEqual(one.json.results, [{ id: 'h1', source: 'urn:tx', transaction: tx.id }]);
  // Binary mode too: any ingest route takes the header.
  const bin = await call(t.url, '/v1/buses/default/events', {
    body: 'x', headers: { 'content-type': 'text/plain', 'ce-specversion': '1.0', 'ce-id': 'h2', 'ce-source': 'urn:tx', 'ce-type': 't', 'switchyard-transaction': tx.id },
  });
  assert.equal(bin.status, 202, bin.text);
  const pe = await call<{ failedCount: number; results: { transaction?: string }[] }>(t.url, '/v1/events', { json: { entries: [{ ...ce('h3', { source: 'urn:tx' }), transaction: tx.id }] } });
  assert.deepEqual([pe.json.failedCount, pe.json.results[0]?.transaction], [0, tx.id]);
  assert.equal((await getTx(tx.id)).events, 3);
  for (const id of ['h1', 'h2', 'h3']) assert.equal(await readable(id), false, `${id} not readable while held`);
  const listed = await call<{ items: unknown[] }>(t.url, '/v1/buses/default/events?source=urn:tx');
  assert.equal(listed.json.items.length, 0, 'not in search');
  await call(t.url, '/v1/buses/default/events', { body: JSON.stringify(ce('outside', { source: 'urn:tx' })), headers: { 'content-type': STRUCTURED } });
  await untilFinal(t.url, 'default', 'outside', 'delivered');
  assert.equal(rx.requests.filter((r) => /^h\d$/.test(String(r.headers['ce-id']))).length, 0, 'nothing held was delivered');

  const c = await call<{ transaction: TxView; results: { id: string; sequence: number }[] }>(t.url, `/v1/buses/default/transactions/${tx.id}/commit`, { method: 'POST' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.transaction.state, 'committed');
  const seqs = c.json.results.map((r) => r.sequence);
  assert.deepEqual(c.json.results.map((r) => r.id), ['h1', 'h2', 'h3']);
  assert.deepEqual(seqs, [seqs[0], seqs[0]! + 1, seqs[0]! + 2], 'consecutive, in put order');
  for (const id of ['h1', 'h2', 'h3']) await untilFinal(t.url, 'default', id, 'delivered');
  const tr = await call<{ transaction: { id: string }; timeline: { step: string; type?: string }[] }>(t.url, '/v1/buses/default/events/h2/trace');
  assert.equal(tr.json.transaction.id, tx.id);
  assert.deepEqual(tr.json.timeline.filter((s) => s.step === 'transaction').map((s) => s.type), ['begin', 'committed']);
});

test('transactions - a rollback discards the held events; an ended transaction takes nothing more', async () => {
  const tx = await begin();
  assert.equal((await putInto(tx.id, [ce('r1', { source: 'urn:tx' })])).status, 202);
  const r = await call<{ transaction: TxView }>(t.url, `/v1/buses/default/transactions/${tx.id}/rollback`, { method: 'POST' });
  assert.equal(r.json.transaction.state, 'rolled-back', r.text);
  assert.equal(await readable('r1'), false);
  assertProblem(await putInto(tx.id, [ce('r2', { source: 'urn:tx' })]), 409, 'SWY_INGEST_TX_CLOSED');
  assertProblem(await call(t.url, `/v1/buses/default/transactions/${tx.id}/commit`, { method: 'POST' }), 409, 'SWY_INGEST_TX_CLOSED');
  assertProblem(await call(t.url, `/v1/buses/default/transactions/${tx.id}/rollback`, { method: 'POST' }), 409, 'SWY_INGEST_TX_CLOSED');
  const listed = await call<{ items: TxView[] }>(t.url, '/v1/buses/default/transactions?state=rolled-back');
  assert.ok(listed.json.items.some((x) => x.id === tx.id));
});

test('transactions - hostile use: unknown ids, another bus, a full transaction, bad events, bad begin bodies', async () => {
  assertProblem(await putInto('tx_nope', [ce('u1')]), 404, 'SWY_INGEST_TX_NOT_FOUND');
  assert.equal(await readable('u1'), false, 'not stored outside the transaction either');
  assertProblem(await call(t.url, '/v1/buses/default/transactions/tx_nope'), 404, 'SWY_INGEST_TX_NOT_FOUND');
  assertProblem(await call(t.url, '/v1/buses/default/transactions/tx_nope/commit', { method: 'POST' }), 404, 'SWY_INGEST_TX_NOT_FOUND');
  assertProblem(await call(t.url, '/v1/buses/default/transactions/bad%20id'), 400, 'SWY_API_VALIDATION');
  assert.equal((await call(t.url, '/v1/buses', { json: { name: 'other' } })).status, 201);
  const tx = await begin();
  assertProblem(await putInto(tx.id, [ce('o1')], 'other'), 404, 'SWY_INGEST_TX_NOT_FOUND');
  assertProblem(await call(t.url, '/v1/buses/nope/transactions', { json: {} }), 404, 'SWY_STORE_BUS_NOT_FOUND');
  assertProblem(await call(t.url, '/v1/buses/nope/transactions'), 404, 'SWY_STORE_BUS_NOT_FOUND');
  assertProblem(await call(t.url, '/v1/buses/default/transactions?state=half'), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, '/v1/buses/default/transactions?limit=0'), 400, 'SWY_API_VALIDATION');
  // maxEvents is 5: a put of 6 holds nothing; 4 then 2 refuses the second.
  assertProblem(await putInto(tx.id, [1, 2, 3, 4, 5, 6].map((i) => ce(`f${i}`, { source: 'urn:tx' }))), 400, 'SWY_INGEST_TX_FULL');
  assert.equal((await getTx(tx.id)).events, 0);
  assert.equal((await putInto(tx.id, [1, 2, 3, 4].map((i) => ce(`g${i}`, { source: 'urn:tx' })))).status, 202);
  assertProblem(await putInto(tx.id, [ce('g5', { source: 'urn:tx' }), ce('g6', { source: 'urn:tx' })]), 400, 'SWY_INGEST_TX_FULL');
  // An invalid event refuses the put, and nothing of it is held.
  assertProblem(await putInto(tx.id, [ce('g7', { source: 'urn:tx' }), { id: 'x' }]), 400, 'SWY_EVENT_INVALID');
  assertProblem(await putInto(tx.id, [ce('g8', { source: 'urn:tx', deliverat: 'soon' })]), 400, 'SWY_INGEST_INVALID_DELAY');
  assert.equal((await getTx(tx.id)).events, 4);
  const pe = await call<{ failedCount: number; results: { error?: { code: string } }[] }>(t.url, '/v1/events', {
    json: { entries: [{ ...ce('p1'), transaction: 'tx_nope' }, { ...ce('p2'), transaction: 42 }, { ...ce('p3'), transaction: '' }, ce('p4')] },
  });
  assert.deepEqual(pe.json.results.map((r) => r.error?.code), ['SWY_INGEST_TX_NOT_FOUND', 'SWY_INGEST_INVALID_ENTRIES', 'SWY_INGEST_INVALID_ENTRIES', undefined]);
  for (const [body, path] of [
    [{ checkUrl: 'ftp://x.example/' }, '/checkUrl'], [{ checkUrl: 'not a url' }, '/checkUrl'], [{ checkUrl: 'http://u:p@x.example/' }, '/checkUrl'],
    [{ checkAfterMs: 5 }, '/checkAfterMs'], [{ checkAfterMs: 'soon' }, '/checkAfterMs'], [{ other: 1 }, ''],
  ] as const) {
    const p = assertProblem(await call(t.url, '/v1/buses/default/transactions', { json: body }), 400, 'SWY_API_VALIDATION');
    if (path !== '') assert.ok(p.violations?.some((v) => v.path.startsWith(`/body${path}`)), JSON.stringify(p.violations));
  }
  await call(t.url, `/v1/buses/default/transactions/${tx.id}/rollback`, { method: 'POST' });
});

test('transactions - maxOpen open transactions refuse another begin with 429', async () => {
  const open = (await call<{ items: TxView[] }>(t.url, '/v1/buses/default/transactions?state=open&limit=1000')).json.items.length;
  const mine: string[] = [];
  for (let i = open; i < 20; i++) mine.push((await begin()).id);
  assertProblem(await call(t.url, '/v1/buses/default/transactions', { json: {} }), 429, 'SWY_INGEST_TX_TOO_MANY');
  for (const id of mine) await call(t.url, `/v1/buses/default/transactions/${id}/rollback`, { method: 'POST' });
});

test('transactions - a check-back is signed, asks again on "unknown" and commits on "commit"; the trace shows it', async () => {
  const tx = await begin({ checkUrl: `${check.url}/tx-check`, checkAfterMs: 5000 });
  assert.match(tx.signingSecret ?? '', /^whsec_/);
  await putInto(tx.id, [ce('c1', { source: 'urn:tx' })]);
  clock.advance(4999);
  assert.equal(await t.server.transactionChecker.tick(), 0, 'not due yet');
  clock.advance(1);
  answers.push('unknown');
  assert.equal(await t.server.transactionChecker.tick(), 1);
  const req = check.requests.at(-1)!;
  assert.deepEqual(JSON.parse(req.body), { transaction: tx.id, bus: 'default', events: 1, check: 1, createdAt: new Date(clock.now() - 5000).toISOString() });
  const h = req.headers;
  assert.equal(h['webhook-id'], `${tx.id}.1`);
  assert.equal(h['webhook-signature'], signatureV1(tx.signingSecret!, String(h['webhook-id']), Number(h['webhook-timestamp']), Buffer.from(req.body)));
  let now = await getTx(tx.id);
  assert.deepEqual([now.state, now.checks, now.nextCheckAt], ['open', 1, new Date(clock.now() + 5000).toISOString()]);
  assert.equal(await readable('c1'), false);
  clock.advance(5000);
  answers.push('commit');
  await t.server.transactionChecker.tick();
  now = await getTx(tx.id);
  assert.equal(now.state, 'committed');
  assert.deepEqual(now.history.map((s) => [s.type, s.answer ?? s.by]), [['begin', undefined], ['check', 'unknown'], ['check', 'commit'], ['committed', 'check-back']]);
  await untilFinal(t.url, 'default', 'c1', 'delivered');
  const tr = await call<{ timeline: { step: string; type?: string; answer?: string }[] }>(t.url, '/v1/buses/default/events/c1/trace');
  assert.deepEqual(tr.json.timeline.filter((s) => s.step === 'transaction').map((s) => s.answer ?? s.type), ['begin', 'unknown', 'commit', 'committed']);
});

test('transactions - check-backs answered "rollback" roll back; unanswered ones end in the default outcome after maxChecks', async () => {
  const a = await begin({ checkUrl: `${check.url}/a`, checkAfterMs: 1000 });
  await putInto(a.id, [ce('k1', { source: 'urn:tx' })]);
  const b = await begin({ checkUrl: 'http://127.0.0.1:9/nothing-listens', checkAfterMs: 1000 });
  await putInto(b.id, [ce('k2', { source: 'urn:tx' })]);
  const c = await begin({ checkAfterMs: 1000 });
  clock.advance(1000);
  answers.push('rollback');
  assert.equal(await t.server.transactionChecker.tick(), 3);
  assert.equal((await getTx(a.id)).state, 'rolled-back');
  assert.deepEqual((await getTx(c.id)).history.at(-1), { type: 'rolled-back', at: new Date(clock.now()).toISOString(), by: 'default', detail: 'no check URL' });
  const b1 = await getTx(b.id);
  assert.deepEqual([b1.state, b1.checks, b1.history.at(-1)?.answer], ['open', 1, 'unknown']);
  clock.advance(1000);
  await t.server.transactionChecker.tick();
  const b2 = await getTx(b.id);
  assert.equal(b2.state, 'rolled-back', 'maxChecks (2) used up: the default outcome');
  assert.deepEqual(b2.history.map((s) => s.type), ['begin', 'check', 'check', 'rolled-back']);
  assert.equal(b2.history.at(-1)?.by, 'default');
  assert.equal(await readable('k1'), false);
  assert.equal(await readable('k2'), false);
});

test('transactions - a delayed event in a transaction is delivered at its time after the commit', async () => {
  const tx = await begin();
  await putInto(tx.id, [ce('dt1', { source: 'urn:tx', deliverat: new Date(clock.now() + 60_000).toISOString() })]);
  await call(t.url, `/v1/buses/default/transactions/${tx.id}/commit`, { method: 'POST' });
  assert.equal(await readable('dt1'), true);
  assert.equal((await trace(t.url, 'default', 'dt1')).finalState, 'pending');
  clock.advance(60_000);
  await untilFinal(t.url, 'default', 'dt1', 'delivered');
});
