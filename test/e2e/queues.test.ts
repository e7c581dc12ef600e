// Pull queues end to end (docs/queues.md): a rule feeds a target of kind queue; consumers receive
// under a lock (long poll), acknowledge, release, reject and renew by lock token; maxReceives
// dead-letters; FIFO groups are out to one consumer at a time; the dispatcher never pushes a
// queue's events; counts and metrics show the depth; hostile bodies get problem+json.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { putEvents, putRule } from './_delivery-receiver.js';

interface Received { brokerProperties: { lockToken: string; deliveryCount: number; lockedUntil: string; sequence: number; group: string | null }; event: Record<string, unknown> }
interface Settled { succeededLockTokens: string[]; failedLockTokens: { lockToken: string; error: { code: string; message: string } }[] }

let t: TestServer;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
});
after(async () => {
  await t.close();
});

const Q = '/v1/buses/default/queues';
const receive = async (queue: string, body: Record<string, unknown>): Promise<Received[]> => {
  const a = await call<{ value: Received[] }>(t.url, `${Q}/${queue}/receive`, { json: body });
  assert.equal(a.status, 200, a.text);
  return a.json.value;
};
const settle = async (queue: string, op: string, body: Record<string, unknown>): Promise<Settled> => {
  const a = await call<Settled>(t.url, `${Q}/${queue}/${op}`, { json: body });
  assert.equal(a.status, 200, a.text);
  return a.json;
};
const tokens = (rs: readonly Received[]): string[] => rs.map((r) => r.brokerProperties.lockToken);

test('queues - receive, acknowledge, release with delay, reject to a dead letter, renew; an acked event never comes back', async () => {
  await putRule(t.url, 'default', 'to-orders', { filter: { pattern: { type: ['order'] } }, targets: [{ id: 'q', kind: 'queue', queue: 'orders', lockMs: 1000 }] });
  await putEvents(t.url, 'default', [1, 2, 3, 4].map((n) => ce(`o${n}`, { type: 'order', data: { n } })));
  const got = await receive('orders', { max: 10 });
  assert.deepEqual(got.map((r) => r.event.id).sort(), ['o1', 'o2', 'o3', 'o4']);
  assert.ok(got.every((r) => r.brokerProperties.deliveryCount === 1));
  assert.deepEqual((await receive('orders', { max: 10 })).length, 0, 'all locked');
  const by = (id: string): Received => got.find((r) => r.event.id === id)!;

  const acked = await settle('orders', 'acknowledge', { lockTokens: [by('o1').brokerProperties.lockToken, 'not-a-token!'] });
  assert.deepEqual(acked.succeededLockTokens, [by('o1').brokerProperties.lockToken]);
  assert.deepEqual(acked.failedLockTokens.map((f) => f.error.code), ['SWY_QUEUE_LOCK_TOKEN_INVALID']);
  const again = await settle('orders', 'acknowledge', { lockTokens: [by('o1').brokerProperties.lockToken] });
  assert.deepEqual(again.failedLockTokens.map((f) => f.error.code), ['SWY_QUEUE_LOCK_LOST']);

  assert.equal((await settle('orders', 'reject', { lockTokens: [by('o2').brokerProperties.lockToken], reason: 'bad order' })).succeededLockTokens.length, 1);
  assert.equal((await settle('orders', 'release', { lockTokens: [by('o3').brokerProperties.lockToken] })).succeededLockTokens.length, 1);
  assert.equal((await settle('orders', 'renew', { lockTokens: [by('o4').brokerProperties.lockToken], visibilityMs: 30_000 })).succeededLockTokens.length, 1);

  const back = await receive('orders', { max: 10, waitMs: 1500 });
  assert.deepEqual(back.map((r) => [r.event.id, r.brokerProperties.deliveryCount]), [['o3', 2]], 'the released one; o4 is renewed, o1 acked, o2 dead');
  await new Promise((r) => setTimeout(r, 1100));
  assert.deepEqual((await receive('orders', { max: 10 })).map((r) => r.event.id), ['o3'], 'its lock ended unacknowledged: back again');

  const dead = await call<{ items: { eventId: string; lastError: string }[] }>(t.url, '/v1/dead-letters?target=q');
  assert.deepEqual(dead.json.items.map((d) => [d.eventId, d.lastError]), [['o2', 'bad order']]);
  const q = await call<{ counts: { ready: number; locked: number; dead: number }; feeds: { rule: string }[] }>(t.url, `${Q}/orders`);
  assert.deepEqual(q.json.counts, { ready: 0, locked: 2, dead: 1 });
  assert.deepEqual(q.json.feeds.map((f) => f.rule), ['to-orders']);
  const metrics = await call(t.url, '/metrics');
  assert.match(metrics.text, /switchyard_queue_messages\{bus="default",queue="orders",state="dead"\} 1/);
  assert.match(metrics.text, /switchyard_queue_received_total\{bus="default",queue="orders"\} 6/);
  assert.match(metrics.text, /switchyard_queue_settled_total\{bus="default",queue="orders",action="ack",result="ok"\} 1/);
  assert.match(metrics.text, /switchyard_queue_settled_total\{bus="default",queue="orders",action="ack",result="lost"\} 1/);
  assert.match(metrics.text, /switchyard_queue_settled_total\{bus="default",queue="orders",action="ack",result="invalid"\} 1/);
});

test('queues - a long-poll receive wakes when an event is queued; maxReceives dead-letters; the dispatcher never pushes', async () => {
  await putRule(t.url, 'default', 'to-jobs', { filter: { pattern: { type: ['job'] } }, targets: [{ id: 'j', kind: 'queue', queue: 'jobs', lockMs: 1000, maxReceives: 2 }] });
  const started = Date.now();
  const waiting = receive('jobs', { max: 5, waitMs: 20_000 });
  await new Promise((r) => setTimeout(r, 200));
  await putEvents(t.url, 'default', [ce('j1', { type: 'job' })]);
  const got = await waiting;
  assert.deepEqual(got.map((r) => r.event.id), ['j1']);
  assert.ok(Date.now() - started < 15_000, 'answered on the event, not at the end of the wait');
  await settle('jobs', 'release', { lockTokens: tokens(got) });
  assert.deepEqual((await receive('jobs', { max: 5 })).map((r) => r.brokerProperties.deliveryCount), [2]);
  await new Promise((r) => setTimeout(r, 1100));
  assert.deepEqual(await receive('jobs', { max: 5 }), [], 'received twice (maxReceives 2): dead-lettered instead');
  const dead = await call<{ items: { eventId: string; lastError: string }[] }>(t.url, '/v1/dead-letters?target=j');
  assert.equal(dead.json.items[0]?.eventId, 'j1');
  const targets = await call<{ items?: unknown[] } | { id: string; kind: string; inFlight: number }[]>(t.url, '/v1/buses/default/rules/to-jobs/targets');
  assert.equal(targets.status, 200, targets.text);
});

test('queues - one FIFO group is out to one consumer at a time, in bus order', async () => {
  await putRule(t.url, 'default', 'to-fifo', { filter: { pattern: { type: ['fifo'] } }, targets: [{ id: 'f', kind: 'queue', queue: 'fifo', ordering: { groupBy: 'partitionkey' } }] });
  await putEvents(t.url, 'default', ['a1', 'b1', 'a2', 'b2', 'a3'].map((id) => ce(id, { type: 'fifo', partitionkey: id[0] })));
  const order: string[] = [];
  for (let round = 0; round < 5; round++) {
    const [c1, c2] = await Promise.all([receive('fifo', { max: 10 }), receive('fifo', { max: 10 })]);
    const all = [...c1, ...c2];
    const groups = all.map((r) => r.brokerProperties.group);
    assert.equal(new Set(groups).size, groups.length, `never two of one group out at once (round ${round}: ${groups.join(',')})`);
    order.push(...all.map((r) => String(r.event.id)));
    if (all.length > 0) await settle('fifo', 'acknowledge', { lockTokens: tokens(all) });
  }
  assert.deepEqual(order.filter((id) => id.startsWith('a')), ['a1', 'a2', 'a3']);
  assert.deepEqual(order.filter((id) => id.startsWith('b')), ['b1', 'b2']);
});

test('queues - hostile input: problem+json, one entry per violation; nothing settles', async () => {
  await putRule(t.url, 'default', 'to-h', { filter: { pattern: { type: ['h'] } }, targets: [{ id: 'h', kind: 'queue', queue: 'h' }] });
  assertProblem(await call(t.url, `${Q}/nope/receive`, { json: {} }), 404, 'SWY_QUEUE_NOT_FOUND');
  assertProblem(await call(t.url, '/v1/buses/missing/queues/h/receive', { json: {} }), 404, 'SWY_STORE_BUS_NOT_FOUND');
  assertProblem(await call(t.url, `${Q}/h/receive`, { json: { max: 100_000, waitMs: -1 } }), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, `${Q}/h/receive`, { json: { max: 1, waitMs: 3_600_000 } }), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, `${Q}/h/acknowledge`, { json: { lockTokens: [] } }), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, `${Q}/h/acknowledge`, { json: { lockTokens: Array.from({ length: 1001 }, () => 'x') } }), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, `${Q}/h/acknowledge`, { json: { lockTokens: ['x'.repeat(201)] } }), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, `${Q}/h/release`, { json: { lockTokens: ['x'], delayMs: 'soon' } }), 400, 'SWY_API_VALIDATION');
  assertProblem(await call(t.url, `${Q}/h/receive`, { body: '{"max":', headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_MALFORMED_JSON');
  // Tokens that decode to ids and leases this server never gave, or of another queue, settle nothing.
  const forged = ['1\n1', '999999\n1', '1\n', '\n1', 'a\nb\nc'].map((s) => Buffer.from(s).toString('base64url'));
  const r = await settle('h', 'acknowledge', { lockTokens: forged });
  assert.equal(r.succeededLockTokens.length, 0);
  const badRule = await call(t.url, '/v1/buses/default/rules/bad', { method: 'PUT', json: {
    filter: { pattern: { type: ['x'] } }, targets: [{ id: 'b', kind: 'queue', queue: '-bad', lockMs: 5, maxReceives: 0, retry: 'backoff' }],
  } });
  const bad = assertProblem(badRule, 400, 'SWY_API_INVALID_TARGETS');
  assert.deepEqual(bad.violations?.map((v) => v.path).sort(), ['/targets/0/lockMs', '/targets/0/maxReceives', '/targets/0/queue', '/targets/0/retry']);
});
