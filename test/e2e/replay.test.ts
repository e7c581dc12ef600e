// Replay, resend and archives end to end (issue 16 items 1 and 2, docs/replay.md): a real server,
// a real HTTP receiver; replayed events carry `swyreplay`, go through the delivery queue and show
// in the trace; pause/resume/cancel; archives keep events the bus dropped and replays read them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, call, ce, until } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { createBus, putEvents, putRule, startReceiver, type Receiver } from './_delivery-receiver.js';

interface ReplayView {
  id: string; bus: string; kind: string; state: string; fromSequence: number; toSequence: number;
  progress: { processed: number; total: number; matched: number; enqueued: number; rate: number; etaSeconds: number | null };
  error?: string;
}

let s: TestServer;
let rx: Receiver;
before(async () => {
  s = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  rx = await startReceiver((r) => ({ status: r.url === '/r8bad' ? 400 : 200 }));
});
after(async () => {
  await s.close();
  await rx.close();
});

const replayIdOf = (r: { headers: Record<string, string | string[] | undefined> }): string | undefined => r.headers['ce-swyreplay'] as string | undefined;

async function startReplay(bus: string, body: Record<string, unknown>): Promise<ReplayView> {
  const a = await call<ReplayView>(s.url, `/v1/buses/${bus}/replays`, { json: body });
  assert.equal(a.status, 202, a.text);
  return a.json;
}

async function untilState(id: string, state: string): Promise<ReplayView> {
  let last: ReplayView | undefined;
  await until(`replay ${id} ${state}`, async () => {
    last = (await call<ReplayView>(s.url, `/v1/replays/${id}`)).json;
    return last.state === state;
  });
  return last!;
}

test('replay - a window by sequence is matched again and delivered, marked with swyreplay, and the trace shows it', async () => {
  await createBus(s.url, 'r1');
  await putRule(s.url, 'r1', 'hooks', { filter: { pattern: { type: ['order'] } }, targets: [{ id: 'a', kind: 'http', url: `${rx.url}/r1a` }, { id: 'b', kind: 'http', url: `${rx.url}/r1b` }] });
  await putEvents(s.url, 'r1', Array.from({ length: 10 }, (_, i) => ce(`r1-${i}`, { type: i % 2 === 0 ? 'order' : 'other', data: { i } })));
  await rx.until('live deliveries', (rs) => rs.filter((r) => r.url.startsWith('/r1')).length === 10);
  const live = rx.requests.length;

  const job = await startReplay('r1', { from: 3, to: 8, destination: { rule: 'hooks', target: 'b' } });
  assert.equal(job.kind, 'replay');
  assert.deepEqual([job.fromSequence, job.toSequence, job.progress.total], [3, 8, 6]);
  const done = await untilState(job.id, 'completed');
  assert.deepEqual([done.progress.processed, done.progress.matched, done.progress.enqueued], [6, 3, 3]);
  await rx.until('replayed deliveries', (rs) => rs.length === live + 3);
  const replayed = rx.requests.slice(live);
  assert.deepEqual(replayed.map((r) => r.url), ['/r1b', '/r1b', '/r1b'], 'only the named target');
  assert.deepEqual(replayed.map((r) => r.headers['ce-id']), ['r1-2', 'r1-4', 'r1-6'], 'in sequence order, matched again');
  assert.ok(replayed.every((r) => replayIdOf(r) === job.id));
  assert.ok(rx.requests.slice(0, live).every((r) => replayIdOf(r) === undefined), 'live deliveries are not marked');

  const t = await call<{ targets: { target: string; replay?: string }[]; timeline: { step: string; replay?: string }[] }>(s.url, '/v1/buses/r1/events/r1-4/trace');
  assert.equal(t.status, 200);
  assert.deepEqual(t.json.targets.map((x) => `${x.target}:${x.replay ?? 'live'}`), ['a:live', 'b:live', `b:${job.id}`]);
  assert.ok(t.json.timeline.some((x) => x.step === 'replayed' && x.replay === job.id));
});

test('replay - a pattern narrows the window; destination { bus } uses every enabled rule as it is now', async () => {
  await createBus(s.url, 'r2');
  await putEvents(s.url, 'r2', Array.from({ length: 6 }, (_, i) => ce(`r2-${i}`, { type: 'x', subject: i < 3 ? 'keep' : 'drop' })));
  // The rules are made after the events: a replay matches the rules as they are now.
  await putRule(s.url, 'r2', 'one', { filter: { pattern: { type: ['x'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r2one` }] });
  await putRule(s.url, 'r2', 'two', { filter: { pattern: { type: ['x'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r2two` }] });
  assert.equal((await call(s.url, '/v1/buses/r2/rules/two/disable', { method: 'POST' })).status, 200);
  const job = await startReplay('r2', { from: 0, pattern: { subject: ['keep'] }, destination: { bus: 'r2' } });
  const done = await untilState(job.id, 'completed');
  assert.deepEqual([done.progress.processed, done.progress.matched, done.progress.enqueued], [6, 3, 3]);
  await rx.until('r2 deliveries', (rs) => rs.filter((r) => r.url === '/r2one').length === 3);
  assert.equal(rx.requests.filter((r) => r.url === '/r2two').length, 0, 'a disabled rule gets nothing');
});

test('replay - by time, rate limited, paused, resumed and finished; a cancelled one enqueues no more', async () => {
  await createBus(s.url, 'r3');
  await putRule(s.url, 'r3', 'slow', { filter: { pattern: { source: ['urn:e2e'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r3` }] });
  const before3 = new Date(Date.now() - 1000).toISOString();
  await putEvents(s.url, 'r3', Array.from({ length: 12 }, (_, i) => ce(`r3-${i}`)));
  await rx.until('r3 live', (rs) => rs.filter((r) => r.url === '/r3').length === 12);
  const job = await startReplay('r3', { from: before3, to: new Date(Date.now() + 60_000).toISOString(), destination: { rule: 'slow' }, ratePerSecond: 8 });
  assert.equal(job.progress.total, 12);
  await until('some progress', async () => (await call<ReplayView>(s.url, `/v1/replays/${job.id}`)).json.progress.processed >= 2);
  const paused = await call<ReplayView>(s.url, `/v1/replays/${job.id}/pause`, { method: 'POST' });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.json.state, 'paused');
  assertProblem(await call(s.url, `/v1/replays/${job.id}/pause`, { method: 'POST' }), 409, 'SWY_REPLAY_STATE');
  await s.server.replayRunner.idle();
  const held = (await call<ReplayView>(s.url, `/v1/replays/${job.id}`)).json.progress.processed;
  assert.ok(held < 12, `paused before the end (${held})`);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await call<ReplayView>(s.url, `/v1/replays/${job.id}`)).json.progress.processed, held, 'no progress while paused');
  assert.equal((await call<ReplayView>(s.url, `/v1/replays/${job.id}/resume`, { method: 'POST' })).json.state, 'running');
  const done = await untilState(job.id, 'completed');
  assert.equal(done.progress.processed, 12);
  await rx.until('r3 replayed', (rs) => rs.filter((r) => r.url === '/r3' && replayIdOf(r) === job.id).length === 12);
  const ids = rx.requests.filter((r) => r.url === '/r3' && replayIdOf(r) === job.id).map((r) => r.headers['ce-id']);
  assert.equal(new Set(ids).size, 12, 'each event once, none skipped across the pause');

  const slow = await startReplay('r3', { from: 1, destination: { rule: 'slow' }, ratePerSecond: 1 });
  const cancelled = await call<ReplayView>(s.url, `/v1/replays/${slow.id}/cancel`, { method: 'POST' });
  assert.equal(cancelled.json.state, 'cancelled');
  await s.server.replayRunner.idle();
  const frozen = (await call<ReplayView>(s.url, `/v1/replays/${slow.id}`)).json.progress.enqueued;
  assert.ok(frozen <= 1);
  assertProblem(await call(s.url, `/v1/replays/${slow.id}/resume`, { method: 'POST' }), 409, 'SWY_REPLAY_STATE');
  const listed = await call<{ items: ReplayView[] }>(s.url, '/v1/replays?bus=r3');
  assert.deepEqual(listed.json.items.map((r) => r.id), [slow.id, job.id]);
  assert.deepEqual((await call<{ items: ReplayView[] }>(s.url, '/v1/replays?bus=r3&state=cancelled')).json.items.map((r) => r.id), [slow.id]);
});

test('replay - a replay whose rule is deleted while it runs fails, saying why', async () => {
  await createBus(s.url, 'r7');
  await putRule(s.url, 'r7', 'gone', { filter: { pattern: { source: ['urn:e2e'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r7` }] });
  await putEvents(s.url, 'r7', Array.from({ length: 20 }, (_, i) => ce(`r7-${i}`)));
  const job = await startReplay('r7', { from: 1, destination: { rule: 'gone' }, ratePerSecond: 4 });
  assert.equal((await call(s.url, '/v1/buses/r7/rules/gone', { method: 'DELETE' })).status, 204);
  const failed = await untilState(job.id, 'failed');
  assert.match(failed.error ?? '', /rule "gone"/);
  assert.ok(failed.progress.processed < 20);
});

test('replay - through the delivery path: FIFO groups arrive in bus order, a refused delivery becomes a dead letter carrying swyreplay', async () => {
  await createBus(s.url, 'r8');
  await putEvents(s.url, 'r8', Array.from({ length: 30 }, (_, i) => ce(`r8-${i}`, { partitionkey: `g${i % 3}` })));
  await putRule(s.url, 'r8', 'ordered', {
    filter: { pattern: { source: ['urn:e2e'] } },
    targets: [{ id: 'fifo', kind: 'http', url: `${rx.url}/r8fifo`, ordering: { groupBy: 'partitionkey' }, concurrency: 8 }, { id: 'bad', kind: 'http', url: `${rx.url}/r8bad` }],
  });
  const job = await startReplay('r8', { from: 1, destination: { rule: 'ordered' } });
  await untilState(job.id, 'completed');
  await rx.until('r8 fifo', (rs) => rs.filter((r) => r.url === '/r8fifo').length === 30);
  for (const g of ['g0', 'g1', 'g2']) {
    const ids = rx.requests.filter((r) => r.url === '/r8fifo' && r.headers['ce-partitionkey'] === g).map((r) => Number(String(r.headers['ce-id']).slice(3)));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `group ${g} in bus order`);
  }
  await until('dead letters', async () => (await call<{ items: unknown[] }>(s.url, '/v1/dead-letters?bus=r8')).json.items.length === 30);
  const [first] = (await call<{ items: { id: string }[] }>(s.url, '/v1/dead-letters?bus=r8&limit=1')).json.items;
  const dead = await call<{ event: Record<string, unknown> }>(s.url, `/v1/dead-letters/${first!.id}`);
  assert.equal(dead.json.event.swyreplay, job.id, 'the dead letter keeps the replayed event');
});

test('resend - one stored event to one target, marked; unknown event 404', async () => {
  await createBus(s.url, 'r4');
  await putRule(s.url, 'r4', 'h', { filter: { pattern: { type: ['com.example.test'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r4` }] });
  await putEvents(s.url, 'r4', [ce('r4-a'), ce('r4-b')]);
  await rx.until('r4 live', (rs) => rs.filter((r) => r.url === '/r4').length === 2);
  const a = await call<ReplayView>(s.url, '/v1/buses/r4/events/r4-b/resend', { json: { rule: 'h', target: 't' } });
  assert.equal(a.status, 202, a.text);
  assert.equal(a.json.kind, 'resend');
  await rx.until('resent', (rs) => rs.some((r) => r.url === '/r4' && replayIdOf(r) === a.json.id));
  const resent = rx.requests.filter((r) => replayIdOf(r) === a.json.id);
  assert.deepEqual(resent.map((r) => r.headers['ce-id']), ['r4-b']);
  assertProblem(await call(s.url, '/v1/buses/r4/events/nope/resend', { json: { rule: 'h' } }), 404, 'SWY_STORE_EVENT_NOT_FOUND');
  assertProblem(await call(s.url, '/v1/buses/r4/events/r4-a/resend', { json: { rule: 'nope' } }), 400, 'SWY_REPLAY_INVALID');
  assertProblem(await call(s.url, '/v1/buses/r4/events/r4-a/resend', { json: { rule: 'h', target: 'zz' } }), 400, 'SWY_REPLAY_INVALID');
});

test('archives - keep matching events after the bus dropped them; a replay reads them transparently', async () => {
  const bus = await call(s.url, '/v1/buses', { json: { name: 'r5', retention: { maxCount: 3 } } });
  assert.equal(bus.status, 201, bus.text);
  const put = await call(s.url, '/v1/buses/r5/archives/orders', { method: 'PUT', json: { pattern: { type: ['order'] }, description: 'orders forever' } });
  assert.equal(put.status, 201, put.text);
  assert.equal((await call(s.url, '/v1/buses/r5/archives/orders', { method: 'PUT', json: { pattern: { type: ['order'] }, retentionMs: 365 * 24 * 3600 * 1000 } })).status, 200);
  await putEvents(s.url, 'r5', Array.from({ length: 10 }, (_, i) => ce(`r5-${i}`, { type: i % 2 === 0 ? 'order' : 'noise' })));
  const got = await call<{ events: number; retentionMs: number }>(s.url, '/v1/buses/r5/archives/orders');
  assert.equal(got.json.events, 5);
  assert.equal((await call<{ items: { name: string }[] }>(s.url, '/v1/buses/r5/archives')).json.items[0]?.name, 'orders');
  await s.server.store.housekeeping!.sweepRetention();
  assert.equal(await s.server.store.events.count('r5'), 3);
  await putRule(s.url, 'r5', 'h', { filter: { pattern: { source: ['urn:e2e'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r5` }] });
  const job = await startReplay('r5', { from: 1, destination: { rule: 'h' } });
  assert.equal(job.progress.total, 7, 'the 3 events kept by the bus and the 4 archived orders below them');
  await untilState(job.id, 'completed');
  await rx.until('r5 replayed', (rs) => rs.filter((r) => r.url === '/r5' && replayIdOf(r) === job.id).length === 7);
  const ids = rx.requests.filter((r) => r.url === '/r5' && replayIdOf(r) === job.id).map((r) => r.headers['ce-id']);
  assert.deepEqual(ids, ['r5-0', 'r5-2', 'r5-4', 'r5-6', 'r5-7', 'r5-8', 'r5-9']);
  assert.equal((await call(s.url, '/v1/buses/r5/archives/orders', { method: 'DELETE' })).status, 204);
  assertProblem(await call(s.url, '/v1/buses/r5/archives/orders'), 404, 'SWY_ARCHIVE_NOT_FOUND');
});

test('replay hostile - bad windows, rates, patterns and destinations are 400 with one violation each; unknown ids 404', async () => {
  await createBus(s.url, 'r6');
  await putRule(s.url, 'r6', 'h', { filter: { pattern: { type: ['x'] } }, targets: [{ id: 't', kind: 'http', url: `${rx.url}/r6` }] });
  const bad = async (body: unknown, path: string, code = 'SWY_REPLAY_INVALID'): Promise<void> => {
    const a = await call(s.url, '/v1/buses/r6/replays', { json: body });
    const p = assertProblem(a, 400, code);
    assert.ok(p.violations?.some((v) => v.path.includes(path)), `${JSON.stringify(body)} → ${a.text}`);
  };
  await bad({ from: 5, to: 2, destination: { rule: 'h' } }, '/to');
  await bad({ from: 'yesterday', destination: { rule: 'h' } }, '/from');
  await bad({ from: '2026-02-30T00:00:00Z', destination: { rule: 'h' } }, '/from');
  await bad({ from: 1, destination: { rule: 'h' }, ratePerSecond: 1e12 }, 'ratePerSecond', 'SWY_API_VALIDATION');
  await bad({ from: 1, destination: { rule: 'h' }, ratePerSecond: 0 }, 'ratePerSecond', 'SWY_API_VALIDATION');
  await bad({ from: -1, destination: { rule: 'h' } }, 'from', 'SWY_API_VALIDATION');
  await bad({ from: 1, destination: { rule: 'nope' } }, '/destination/rule');
  await bad({ from: 1, destination: { rule: 'h', target: 'nope' } }, '/destination/target');
  await bad({ from: 1, destination: { bus: 'default' } }, '/destination/bus');
  await bad({ from: 1, destination: { bus: 'r6', rule: 'h' } }, '/destination');
  await bad({ from: 1, destination: {} }, '/destination');
  await bad({ from: 1, destination: { rule: 'h' }, pattern: { type: 'not-an-array' } }, '/pattern');
  await bad({ from: 1, destination: { rule: 'h' }, extra: true }, '', 'SWY_API_VALIDATION');
  await bad({ destination: { rule: 'h' } }, '', 'SWY_API_VALIDATION');
  assertProblem(await call(s.url, '/v1/buses/nope/replays', { json: { from: 1, destination: { rule: 'h' } } }), 404, 'SWY_STORE_BUS_NOT_FOUND');
  assertProblem(await call(s.url, '/v1/replays/00000000-0000-0000-0000-000000000000'), 404, 'SWY_REPLAY_NOT_FOUND');
  assertProblem(await call(s.url, '/v1/replays/not%20an%20id'), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(s.url, '/v1/replays/00000000-0000-0000-0000-000000000000/cancel', { method: 'POST' }), 404, 'SWY_REPLAY_NOT_FOUND');
  // An empty window is a replay that completes at once.
  const empty = await startReplay('r6', { from: 1000, to: 2000, destination: { rule: 'h' } });
  assert.equal(empty.progress.total, 0);
  assert.equal((await untilState(empty.id, 'completed')).progress.processed, 0);
  // Archives.
  const arch = async (body: unknown, path: string): Promise<void> => {
    const p = assertProblem(await call(s.url, '/v1/buses/r6/archives/a', { method: 'PUT', json: body }), 400, path === '' ? 'SWY_API_VALIDATION' : 'SWY_ARCHIVE_INVALID');
    assert.ok(p.violations?.some((v) => v.path.includes(path)));
  };
  await arch({ pattern: { type: 'x' } }, '/pattern');
  await arch({ retentionMs: 5 }, '');
  await arch({ retentionMs: 1e20 }, '');
  assertProblem(await call(s.url, '/v1/buses/nope/archives/a', { method: 'PUT', json: {} }), 404, 'SWY_STORE_BUS_NOT_FOUND');
  assertProblem(await call(s.url, '/v1/buses/r6/archives/nope', { method: 'DELETE' }), 404, 'SWY_ARCHIVE_NOT_FOUND');
});
