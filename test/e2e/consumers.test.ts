// Durable consumers end to end (docs/consumers.md): create with a pattern and a start, fetch after
// the committed offset (long poll), commit (forward only: two readers never see an event again
// after a commit), reset to a sequence or a time, lag in the API and as a metric; hostile input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { createBus, putEvents } from './_delivery-receiver.js';

interface Fetched { events: { sequence: number; receivedAt: string; event: Record<string, unknown> }[]; offset: number; head: number; lag: number }
interface Consumer { name: string; offset: number; head: number; lag: number; pattern: unknown }

let t: TestServer;
before(async () => {
  t = await startTestServer();
  await createBus(t.url, 'stream');
});
after(async () => {
  await t.close();
});

const C = '/v1/buses/stream/consumers';
const fetchFrom = async (name: string, body: Record<string, unknown> = {}): Promise<Fetched> => {
  const a = await call<Fetched>(t.url, `${C}/${name}/fetch`, { json: body });
  assert.equal(a.status, 200, a.text);
  return a.json;
};
const ids = (f: Fetched): string[] => f.events.map((e) => String(e.event.id));

test('consumers - fetch after the committed offset through the pattern; commit moves forward only; lag in the API and metrics', async () => {
  await putEvents(t.url, 'stream', [ce('e1', { type: 'a' }), ce('e2', { type: 'b' }), ce('e3', { type: 'a' })]);
  const made = await call<Consumer>(t.url, C, { json: { name: 'only-a', pattern: { type: ['a'] }, start: 'earliest' } });
  assert.equal(made.status, 201, made.text);
  assert.deepEqual([made.json.offset, made.json.head, made.json.lag], [0, 3, 3]);
  assert.equal((await call(t.url, C, { json: { name: 'only-a', pattern: { type: ['a'] }, start: 'earliest' } })).status, 200, 'the same create again is answered, not refused');
  assertProblem(await call(t.url, C, { json: { name: 'only-a', pattern: { type: ['b'] } } }), 409, 'SWY_CONSUMER_EXISTS');

  const f1 = await fetchFrom('only-a', { max: 1 });
  assert.deepEqual([ids(f1), f1.offset], [['e1'], 1]);
  const f2 = await fetchFrom('only-a', { max: 10 });
  assert.deepEqual([ids(f2), f2.offset], [['e1', 'e3'], 3], 'a second reader before a commit sees the same events');
  assert.equal((await call<Consumer>(t.url, `${C}/only-a/commit`, { json: { offset: 3 } })).json.offset, 3);
  assert.deepEqual(ids(await fetchFrom('only-a')), [], 'after the commit no reader sees them again');
  assert.equal((await call<Consumer>(t.url, `${C}/only-a/commit`, { json: { offset: 1 } })).json.offset, 3, 'a stale commit does not move it back');
  assertProblem(await call(t.url, `${C}/only-a/commit`, { json: { offset: 99 } }), 400, 'SWY_CONSUMER_INVALID');

  await putEvents(t.url, 'stream', [ce('e4', { type: 'b' })]);
  const got = await call<Consumer>(t.url, `${C}/only-a`);
  assert.deepEqual([got.json.offset, got.json.head, got.json.lag], [3, 4, 1]);
  const metrics = await call(t.url, '/metrics');
  assert.match(metrics.text, /switchyard_consumer_lag\{bus="stream",consumer="only-a"\} 1/);
  const skipped = await fetchFrom('only-a');
  assert.deepEqual([ids(skipped), skipped.offset], [[], 4], 'an event the pattern skips still moves the offset to commit');
});

test('consumers - start latest, sequence and time; reset back and forward; a long-poll fetch wakes on a put', async () => {
  const latest = await call<Consumer>(t.url, C, { json: { name: 'tail' } });
  assert.equal(latest.json.offset, latest.json.head, 'latest by default');
  const bySeq = await call<Consumer>(t.url, C, { json: { name: 'from2', start: { sequence: 2 } } });
  assert.equal(bySeq.json.offset, 1);
  assert.deepEqual(ids(await fetchFrom('from2', { max: 2 })), ['e2', 'e3']);
  const future = await call<Consumer>(t.url, C, { json: { name: 'future', start: { time: '2100-01-01T00:00:00Z' } } });
  assert.equal(future.json.offset, future.json.head);
  assert.equal((await call<Consumer>(t.url, `${C}/tail/reset`, { json: { to: 'earliest' } })).json.offset, 0);
  assert.equal((await call<Consumer>(t.url, `${C}/tail/reset`, { json: { to: { sequence: 3 } } })).json.offset, 2);
  assert.equal((await call<Consumer>(t.url, `${C}/tail/reset`, { json: { to: { time: '2000-01-01T00:00:00Z' } } })).json.offset, 0);
  await call(t.url, `${C}/tail/reset`, { json: { to: 'latest' } });

  const started = Date.now();
  const waiting = fetchFrom('tail', { waitMs: 20_000 });
  await new Promise((r) => setTimeout(r, 200));
  await putEvents(t.url, 'stream', [ce('live', { type: 'x' })]);
  assert.deepEqual(ids(await waiting), ['live']);
  assert.ok(Date.now() - started < 15_000, 'answered on the put, not at the end of the wait');
  const list = await call<{ items: Consumer[] }>(t.url, C);
  assert.deepEqual(list.json.items.map((c) => c.name), ['from2', 'future', 'only-a', 'tail']);
  assert.equal((await call(t.url, `${C}/future`, { method: 'DELETE' })).status, 204);
  assertProblem(await call(t.url, `${C}/future`), 404, 'SWY_CONSUMER_NOT_FOUND');
});

test('consumers and queues - a long-poll whose client goes away stops waiting (its timer cleared)', async () => {
  await call(t.url, C, { json: { name: 'gone' } });
  const s = t.server.streams;
  for (const path of [`${C}/gone/fetch`, '/v1/buses/stream/queues/gone/receive']) {
    if (path.includes('queues')) await call(t.url, '/v1/buses/stream/rules/to-gone', { method: 'PUT', json: { filter: { pattern: { type: ['never'] } }, targets: [{ id: 'g', kind: 'queue', queue: 'gone' }] } });
    const ac = new AbortController();
    const p = fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ waitMs: 60_000 }), signal: ac.signal }).catch(() => undefined);
    const waiting = (): number => s.consumers.waiting + s.queues.waiting;
    for (let i = 0; i < 100 && waiting() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(waiting(), 1, `${path}: the request waits`);
    ac.abort();
    await p;
    for (let i = 0; i < 250 && waiting() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(waiting(), 0, `${path}: the wait ended with its client, not 60 s later`);
  }
});

test('consumers - hostile input: problem+json, one entry per violation', async () => {
  const s = await startTestServer();
  try {
    const c = (path: string, json: unknown): Promise<Awaited<ReturnType<typeof call>>> => call(s.url, path, { json });
    assertProblem(await c('/v1/buses/default/consumers', { name: '-x' }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers', { name: 'x', start: 'sometime' }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers', { name: 'x', start: { sequence: 0 } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers', { name: 'x', start: { sequence: 50 } }), 400, 'SWY_CONSUMER_INVALID');
    const p = assertProblem(await c('/v1/buses/default/consumers', { name: 'x', pattern: { type: 'not-an-array' } }), 400, 'SWY_CONSUMER_INVALID');
    assert.ok((p.violations ?? []).length >= 1);
    assertProblem(await c('/v1/buses/missing/consumers', { name: 'x' }), 404, 'SWY_STORE_BUS_NOT_FOUND');
    await c('/v1/buses/default/consumers', { name: 'x' });
    assertProblem(await c('/v1/buses/default/consumers/x/fetch', { max: 0 }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers/x/fetch', { waitMs: 600_000 }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers/x/commit', { offset: -1 }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers/x/commit', { offset: '1e400' }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers/x/reset', { to: { time: 'yesterday' } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await c('/v1/buses/default/consumers/nope/fetch', {}), 404, 'SWY_CONSUMER_NOT_FOUND');
  } finally {
    await s.close();
  }
});
