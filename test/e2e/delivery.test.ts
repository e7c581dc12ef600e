// Reliable delivery end to end (docs/targets.md): a real server, real HTTP receivers on
// 127.0.0.1 that fail in scripted ways, rules with targets put through the API. Retries use a
// 10–20 ms schedule so no test sleeps for a backoff.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { WAIT_MS, assertProblem, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import {
  FAST_RETRY, deadLetters, putEvents, putRule, startReceiver, untilFinal, type DeadLetterView, type Receiver, type Reply,
} from './_delivery-receiver.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
});
after(async () => {
  await t.close();
});

/** A receiver and a rule `name` on `default` matching events of type `name` with one http target. */
async function setup(name: string, script: (n: number) => Reply, target: Record<string, unknown> = {}): Promise<Receiver> {
  const rx = await startReceiver((r) => script(r.n));
  await putRule(t.url, 'default', name, {
    filter: { pattern: { type: [name] } },
    targets: [{ id: 'h', kind: 'http', url: `${rx.url}/${name}`, retry: FAST_RETRY, ...target }],
  });
  return rx;
}

test('delivery - an event reaches its http target in binary mode, signed per Standard Webhooks', async () => {
  const rx = await setup('plain', () => ({ status: 204 }));
  try {
    await putEvents(t.url, 'default', [ce('p1', { type: 'plain', data: { hello: 'world' } })]);
    await rx.until('one delivery', (r) => r.length === 1);
    const r = rx.requests[0]!;
    assert.equal(r.headers['ce-id'], 'p1');
    assert.deepEqual(JSON.parse(r.body), { hello: 'world' });
    // The receiver verifies the signature with the target's secret, as docs/webhook-signing.md shows.
    const secrets = await call<{ items: { secret: string }[] }>(t.url, '/v1/buses/default/rules/plain/targets/h/signing-secrets');
    const key = Buffer.from(secrets.json.items[0]!.secret.slice('whsec_'.length), 'base64');
    const id = String(r.headers['webhook-id']);
    const ts = String(r.headers['webhook-timestamp']);
    const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest('base64');
    assert.ok(String(r.headers['webhook-signature']).split(' ').includes(`v1,${expected}`), 'the signature verifies');
    assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 300, 'the timestamp is current');
    await untilFinal(t.url, 'default', 'p1', 'delivered');
  } finally {
    await rx.close();
  }
});

test('delivery - a 503 is retried with backoff until a 2xx; every attempt carries the same webhook-id', async () => {
  const rx = await setup('flaky', (n) => (n <= 2 ? { status: 503, body: 'busy' } : { status: 200 }));
  try {
    await putEvents(t.url, 'default', [ce('f1', { type: 'flaky' })]);
    const tr = await untilFinal(t.url, 'default', 'f1', 'delivered');
    assert.equal(rx.requests.length, 3);
    assert.equal(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size, 1);
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => [a.ok, a.status, a.errorClass]), [[false, 503, 'http'], [false, 503, 'http'], [true, 200, null]]);
  } finally {
    await rx.close();
  }
});

test('delivery - a receiver slower than the target timeout is a timeout, retried', async () => {
  const rx = await setup('slow', (n) => (n === 1 ? { hang: 5000 } : { status: 200 }), { timeoutMs: 200 });
  try {
    await putEvents(t.url, 'default', [ce('s1', { type: 'slow' })]);
    const tr = await untilFinal(t.url, 'default', 's1', 'delivered');
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => [a.ok, a.errorClass]), [[false, 'timeout'], [true, null]]);
  } finally {
    await rx.close();
  }
});

test('delivery - a connection reset is a network error, retried', async () => {
  const rx = await setup('reset', (n) => (n === 1 ? { reset: true } : { status: 200 }));
  try {
    await putEvents(t.url, 'default', [ce('c1', { type: 'reset' })]);
    const tr = await untilFinal(t.url, 'default', 'c1', 'delivered');
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => [a.ok, a.errorClass]), [[false, 'network'], [true, null]]);
  } finally {
    await rx.close();
  }
});

test('delivery - a 429 with Retry-After is retried no sooner than the receiver asked', async () => {
  const rx = await setup('limited', (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
  try {
    await putEvents(t.url, 'default', [ce('l1', { type: 'limited' })]);
    await untilFinal(t.url, 'default', 'l1', 'delivered');
    const [first, second] = rx.requests;
    // The schedule alone would retry within 20 ms; Retry-After: 1 asks for a second.
    assert.ok(second!.at - first!.at >= 950, `retried after ${second!.at - first!.at} ms`);
  } finally {
    await rx.close();
  }
});

test('delivery - a 2xx whose body trickles in slower than the timeout is delivered once: the status decides', async () => {
  const rx = await setup('trickle', () => ({ slowBody: 'x'.repeat(30), everyMs: 20 }), { timeoutMs: 300 });
  try {
    await putEvents(t.url, 'default', [ce('t1', { type: 'trickle' })]);
    const tr = await untilFinal(t.url, 'default', 't1', 'delivered');
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => [a.ok, a.status]), [[true, 200]]);
    assert.equal(rx.requests.length, 1);
  } finally {
    await rx.close();
  }
});

test('delivery - a 400 is not retried: a dead letter keeps the event, the transformed payload and every attempt; redrive delivers it', async () => {
  let accept = false;
  const rx = await setup('refused', () => (accept ? { status: 200 } : { status: 400, body: '{"error":"bad order"}' }), {
    transform: { type: 'template', variables: { order: '$.data.order' }, template: '{"orderId": ${order}}' },
  });
  try {
    await putEvents(t.url, 'default', [ce('d1', { type: 'refused', data: { order: 42 } })]);
    await untilFinal(t.url, 'default', 'd1', 'dead');
    assert.equal(rx.requests.length, 1, 'a 400 is not retried');

    const list = await deadLetters(t.url, 'bus=default&rule=refused');
    assert.equal(list.length, 1);
    const dl = list[0]!;
    assert.equal(dl.eventId, 'd1');
    assert.equal(dl.target, 'h');
    assert.match(dl.lastError ?? '', /not retryable: http 400/);

    const full = await call<DeadLetterView & { event: Record<string, unknown>; payload: string; attemptLog: { status: number; response: string; errorClass: string }[] }>(t.url, `/v1/dead-letters/${dl.id}`);
    assert.equal(full.status, 200);
    assert.equal(full.json.event.id, 'd1');
    assert.deepEqual(full.json.event.data, { order: 42 });
    assert.deepEqual((JSON.parse(full.json.payload) as { data: unknown }).data, { orderId: 42 }, 'the payload as sent: the template output as the data');
    assert.deepEqual(full.json.attemptLog.map((a) => [a.status, a.errorClass, a.response]), [[400, 'http', '{"error":"bad order"}']]);

    accept = true;
    const rd = await call<{ redriven: number }>(t.url, '/v1/dead-letters/redrive', { json: { ids: [dl.id] } });
    assert.deepEqual([rd.status, rd.json], [200, { redriven: 1 }]);
    const tr = await untilFinal(t.url, 'default', 'd1', 'delivered');
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => a.status), [400, 200], 'the attempt log spans the redrive');
    assert.equal((await deadLetters(t.url, 'rule=refused')).length, 0);
    assertProblem(await call(t.url, `/v1/dead-letters/${dl.id}`), 404, 'SWY_DELIVERY_DEAD_LETTER_NOT_FOUND');
  } finally {
    await rx.close();
  }
});

test('delivery - dead letters are listed by filter with a cursor, redriven by filter, purged by id and by filter', async () => {
  let accept = false;
  const rx = await setup('bulk', () => (accept ? { status: 200 } : { status: 422 }));
  try {
    await putEvents(t.url, 'default', Array.from({ length: 5 }, (_, i) => ce(`b${i}`, { type: 'bulk' })));
    await rxDead('bulk', 5);
    const p1 = await call<{ items: DeadLetterView[]; next?: number }>(t.url, '/v1/dead-letters?rule=bulk&limit=2');
    assert.equal(p1.json.items.length, 2);
    assert.ok(p1.json.next !== undefined);
    const p2 = await call<{ items: DeadLetterView[]; next?: number }>(t.url, `/v1/dead-letters?rule=bulk&limit=10&after=${p1.json.next}`);
    assert.equal(p2.json.items.length, 3);
    assert.equal(p2.json.next, undefined);
    assert.equal((await deadLetters(t.url, 'rule=bulk&target=nope')).length, 0);
    assert.equal((await deadLetters(t.url, `rule=bulk&from=${new Date(Date.now() + 60_000).toISOString()}`)).length, 0);

    assertProblem(await call(t.url, '/v1/dead-letters/redrive', { json: {} }), 400, 'SWY_DELIVERY_SELECTION_REQUIRED');
    assertProblem(await call(t.url, '/v1/dead-letters/redrive', { json: { all: true, ids: [1] } }), 400, 'SWY_DELIVERY_SELECTION_REQUIRED');

    const [first, second] = p1.json.items;
    assert.equal((await call(t.url, `/v1/dead-letters/${first!.id}`, { method: 'DELETE' })).status, 204);
    assertProblem(await call(t.url, `/v1/dead-letters/${first!.id}`, { method: 'DELETE' }), 404, 'SWY_DELIVERY_DEAD_LETTER_NOT_FOUND');
    const purged = await call<{ purged: number }>(t.url, '/v1/dead-letters/purge', { json: { ids: [second!.id] } });
    assert.deepEqual(purged.json, { purged: 1 });

    accept = true;
    const rd = await call<{ redriven: number }>(t.url, '/v1/dead-letters/redrive', { json: { filter: { bus: 'default', rule: 'bulk' } } });
    assert.deepEqual(rd.json, { redriven: 3 });
    await rx.until('3 redriven deliveries', (r) => r.filter((x) => x.n > 5).length === 3);
    for (const id of ['b2', 'b3', 'b4']) await untilFinal(t.url, 'default', id, 'delivered');
    assert.deepEqual((await call(t.url, '/v1/dead-letters/purge', { json: { filter: { rule: 'bulk' } } })).json, { purged: 0 });
  } finally {
    await rx.close();
  }
});

test('delivery - a dead letter is forwarded to the dead-letter target (another bus)', async () => {
  assert.equal((await call(t.url, '/v1/buses', { json: { name: 'dlq' } })).status, 201);
  const rx = await setup('forwarded', () => ({ status: 410 }), { deadLetter: { kind: 'bus', bus: 'dlq' } });
  try {
    await putEvents(t.url, 'default', [ce('fw1', { type: 'forwarded', data: { n: 1 } })]);
    await untilFinal(t.url, 'default', 'fw1', 'dead');
    const got = await untilEvent('dlq', 'fw1');
    assert.deepEqual(got.event.data, { n: 1 });
    assert.equal(got.event.swyhops, 1);
    const st = await call<{ items: { id: string; kind: string; deliveries: { pending: number } }[] }>(t.url, '/v1/buses/default/rules/forwarded/targets');
    assert.deepEqual(st.json.items.map((x) => [x.id, x.kind]), [['h', 'http'], ['h#dead-letter', 'bus']], 'the dead-letter target has a state of its own');
    const en = await call<{ id: string; state: string }>(t.url, '/v1/buses/default/rules/forwarded/targets/h%23dead-letter/enable', { method: 'POST' });
    assert.deepEqual([en.status, en.json.id, en.json.state], [200, 'h#dead-letter', 'enabled']);
  } finally {
    await rx.close();
  }
});

test('delivery - retry.maxAttempts bounds the retries; the last error names the give-up', async () => {
  const rx = await setup('hopeless', () => ({ status: 500 }), { retry: { ...FAST_RETRY, maxAttempts: 2 } });
  try {
    await putEvents(t.url, 'default', [ce('h1', { type: 'hopeless' })]);
    const tr = await untilFinal(t.url, 'default', 'h1', 'dead');
    assert.equal(tr.targets[0]!.attempts.length, 3, 'the first attempt and 2 retries');
    const [dl] = await deadLetters(t.url, 'rule=hopeless');
    assert.match(dl!.lastError ?? '', /gave up after 3 attempt/);
  } finally {
    await rx.close();
  }
});

test('delivery - a rule with an invalid target is refused with one violation per problem', async () => {
  const a = await call<{ code: string; violations: { path: string }[] }>(t.url, '/v1/buses/default/rules/bad', {
    method: 'PUT',
    json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'a', kind: 'http', url: 'ftp://x', retry: { maxAttempts: 500 }, batch: { maxBatchSize: 0 } }] },
  });
  assert.equal(a.status, 400);
  assert.equal(a.json.code, 'SWY_API_INVALID_TARGETS');
  assert.deepEqual(a.json.violations.map((v) => v.path).sort(), ['/targets/0/batch/maxBatchSize', '/targets/0/retry/maxAttempts', '/targets/0/url']);
});

async function rxDead(rule: string, n: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while ((await deadLetters(t.url, `rule=${rule}&limit=1000`)).length < n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} dead letters of ${rule}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function untilEvent(bus: string, id: string): Promise<{ event: Record<string, unknown> }> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const a = await call<{ event: Record<string, unknown> }>(t.url, `/v1/buses/${bus}/events/${id}`);
    if (a.status === 200) return a.json;
    if (Date.now() > deadline) throw new Error(`event ${id} never reached bus ${bus}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
