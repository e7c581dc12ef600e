// Flow control end to end: FIFO groups, rate limits, the circuit breaker and disabling as the
// API shows them, batching. Real server, real receivers on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { FAST_RETRY, deadLetters, putEvents, putRule, startReceiver, untilFinal, type Received } from './_delivery-receiver.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50, disableAfterMs: 1000 } });
});
after(async () => {
  await t.close();
});

interface TargetState {
  id: string; state: string; health: string; breaker: { type: string; consecutiveFailures?: number; until?: string };
  failingSince: string | null; disabledAt: string | null; inFlight: number; deliveries: { pending: number; inFlight: number; dead: number; waiting?: number };
}

async function targetState(rule: string): Promise<TargetState> {
  const a = await call<{ items: TargetState[] }>(t.url, `/v1/buses/default/rules/${rule}/targets`);
  assert.equal(a.status, 200, a.text);
  return a.json.items[0]!;
}

const ceId = (r: Received): string => String(r.headers['ce-id']);

test('delivery flow - FIFO: each group arrives in bus order; a failing group blocks only itself', async () => {
  let blockB = true;
  const rx = await startReceiver((r) => (ceId(r).startsWith('b') && blockB ? { status: 503 } : { status: 200 }));
  try {
    await putRule(t.url, 'default', 'fifo', {
      filter: { pattern: { type: ['fifo'] } },
      targets: [{ id: 'h', kind: 'http', url: rx.url, retry: { baseMs: 5, capMs: 10 }, ordering: { groupBy: 'partitionkey' }, circuitBreaker: { failureThreshold: 10_000 } }],
    });
    const events = [];
    for (let i = 0; i < 20; i++) for (const g of ['a', 'b', 'c']) events.push(ce(`${g}${i}`, { type: 'fifo', partitionkey: g, data: { i } }));
    await putEvents(t.url, 'default', events);
    const ok = (g: string): string[] => rx.requests.filter((r) => ceId(r).startsWith(g) && !(g === 'b' && blockB)).map(ceId);
    // Groups a and c complete while b's head keeps failing; b never gets past its head.
    await rx.until('groups a and c delivered while b is blocked', () => ok('a').length === 20 && ok('c').length === 20 && rx.requests.filter((r) => ceId(r) === 'b0').length >= 3);
    assert.deepEqual([...new Set(rx.requests.filter((r) => ceId(r).startsWith('b')).map(ceId))], ['b0'], 'only the head of group b was tried');
    const st = await targetState('fifo');
    assert.equal(st.deliveries.waiting, 19, 'b1..b19 wait behind their head');
    blockB = false;
    await rx.until('group b delivered', () => new Set(rx.requests.filter((r) => ceId(r).startsWith('b')).map(ceId)).size === 20);
    await untilFinal(t.url, 'default', 'b19', 'delivered');
    for (const g of ['a', 'b', 'c']) {
      const seen = rx.requests.map(ceId).filter((id) => id.startsWith(g));
      const firsts = seen.filter((id, k) => seen.indexOf(id) === k);
      assert.deepEqual(firsts, Array.from({ length: 20 }, (_, i) => `${g}${i}`), `group ${g} in bus order`);
      // At most one in flight: a group's next event is never sent before its head succeeded.
      for (let k = 1; k < seen.length; k++) assert.ok(Number(seen[k]!.slice(1)) >= Number(seen[k - 1]!.slice(1)), `group ${g} never goes back`);
    }
  } finally {
    await rx.close();
  }
});

test('delivery flow - a rate limit spreads deliveries out (20/s, burst 1)', async () => {
  const rx = await startReceiver();
  try {
    await putRule(t.url, 'default', 'rated', {
      filter: { pattern: { type: ['rated'] } },
      targets: [{ id: 'h', kind: 'http', url: rx.url, rateLimit: { perSecond: 20, burst: 1 } }],
    });
    await putEvents(t.url, 'default', Array.from({ length: 11 }, (_, i) => ce(`r${i}`, { type: 'rated' })));
    await rx.until('11 deliveries', (r) => r.length === 11);
    const span = rx.requests[10]!.at - rx.requests[0]!.at;
    // 10 more tokens at 20/s take 500 ms at least; unlimited, these arrive within a few ms. The
    // bound leaves room for arrival jitter on a busy machine (a late first arrival shortens the
    // span); the bucket's exact pacing is checked with a manual clock in token-bucket.test.ts.
    assert.ok(span >= 300, `11 deliveries took ${span} ms`);
  } finally {
    await rx.close();
  }
});

test('delivery flow - the circuit breaker opens after N failures (state in the API); enable closes it', async () => {
  let up = false;
  const rx = await startReceiver(() => (up ? { status: 200 } : { status: 503 }));
  try {
    await putRule(t.url, 'default', 'breaker', {
      filter: { pattern: { type: ['breaker'] } },
      targets: [{ id: 'h', kind: 'http', url: rx.url, retry: FAST_RETRY, circuitBreaker: { failureThreshold: 3, openMs: 3_600_000 } }],
    });
    await putEvents(t.url, 'default', [ce('cb1', { type: 'breaker' })]);
    await rx.until('3 failed attempts', (r) => r.length === 3);
    let st = await targetState('breaker');
    assert.equal(st.breaker.type, 'open');
    assert.ok(Date.parse(st.breaker.until!) > Date.now() + 3_000_000);
    assert.equal(st.health, 'failing');
    assert.equal(st.deliveries.pending + st.deliveries.inFlight, 1, 'the delivery waits in the queue (or its last attempt is being written); nothing is lost');
    // While open, nothing is sent: a second event waits too.
    await putEvents(t.url, 'default', [ce('cb2', { type: 'breaker' })]);
    st = await targetState('breaker');
    assert.equal(st.deliveries.pending + st.deliveries.inFlight, 2);
    assert.equal(rx.requests.length, 3);

    up = true;
    const en = await call<TargetState>(t.url, '/v1/buses/default/rules/breaker/targets/h/enable', { method: 'POST' });
    assert.equal(en.status, 200, en.text);
    assert.equal(en.json.breaker.type, 'closed');
    await untilFinal(t.url, 'default', 'cb1', 'delivered');
    await untilFinal(t.url, 'default', 'cb2', 'delivered');
    st = await targetState('breaker');
    assert.deepEqual([st.health, st.breaker.type, st.deliveries.pending, st.deliveries.inFlight], ['healthy', 'closed', 0, 0]);
    assert.equal((await call(t.url, '/v1/buses/default/rules/breaker/targets/nope/enable', { method: 'POST' })).status, 404);
    assert.equal((await call(t.url, '/v1/buses/default/rules/nope/targets')).status, 404);
  } finally {
    await rx.close();
  }
});

test('delivery flow - a target failing continuously past disableAfterMs is disabled: its deliveries are dead-lettered until enabled', async () => {
  let up = false;
  const rx = await startReceiver(() => (up ? { status: 200 } : { status: 500 }));
  try {
    await putRule(t.url, 'default', 'disabling', {
      filter: { pattern: { type: ['disabling'] } },
      targets: [{ id: 'h', kind: 'http', url: rx.url, retry: { baseMs: 50, capMs: 100 }, circuitBreaker: { failureThreshold: 10_000 } }],
    });
    await putEvents(t.url, 'default', [ce('x1', { type: 'disabling' })]);
    await untilFinal(t.url, 'default', 'x1', 'dead', 15_000);
    const st = await targetState('disabling');
    assert.equal(st.state, 'disabled');
    assert.equal(st.health, 'disabled');
    const [dl] = await deadLetters(t.url, 'rule=disabling');
    assert.match(dl!.lastError ?? '', /disabled/);
    // New events for a disabled target become dead letters at once, with nothing sent.
    const sent = rx.requests.length;
    await putEvents(t.url, 'default', [ce('x2', { type: 'disabling' })]);
    await untilFinal(t.url, 'default', 'x2', 'dead');
    assert.equal(rx.requests.length, sent);

    up = true;
    assert.equal((await call(t.url, '/v1/buses/default/rules/disabling/targets/h/enable', { method: 'POST' })).status, 200);
    assert.deepEqual((await call(t.url, '/v1/dead-letters/redrive', { json: { filter: { rule: 'disabling' } } })).json, { redriven: 2 });
    await untilFinal(t.url, 'default', 'x1', 'delivered');
    await untilFinal(t.url, 'default', 'x2', 'delivered');
    assert.equal((await targetState('disabling')).state, 'enabled');
  } finally {
    await rx.close();
  }
});

test('delivery flow - batching: a CloudEvents batch body, or a JSON array, of up to maxBatchSize events', async () => {
  const rx = await startReceiver();
  try {
    await putRule(t.url, 'default', 'batched', {
      filter: { pattern: { type: ['batched'] } },
      targets: [
        { id: 'ce', kind: 'http', url: `${rx.url}/ce`, batch: { maxBatchSize: 5, maxBatchWindowMs: 200 } },
        { id: 'json', kind: 'http', url: `${rx.url}/json`, batchFormat: 'json', transform: { type: 'partial', path: '$.data' }, sendAs: 'body', batch: { maxBatchSize: 4, maxBatchWindowMs: 200 } },
      ],
    });
    await putEvents(t.url, 'default', Array.from({ length: 10 }, (_, i) => ce(`bt${i}`, { type: 'batched', data: { i } })));
    const ids = (path: string): string[] => rx.requests.filter((r) => r.url === path).flatMap((r) => (JSON.parse(r.body) as { id: string }[]).map((e) => e.id));
    const items = (path: string): unknown[] => rx.requests.filter((r) => r.url === path).flatMap((r) => JSON.parse(r.body) as unknown[]);
    await rx.until('every event in batches', () => ids('/ce').length === 10 && items('/json').length === 10);
    const ceReqs = rx.requests.filter((r) => r.url === '/ce');
    assert.ok(ceReqs.every((r) => String(r.headers['content-type']).startsWith('application/cloudevents-batch+json')));
    assert.ok(ceReqs.every((r) => (JSON.parse(r.body) as unknown[]).length <= 5));
    assert.ok(ceReqs.length >= 2 && ceReqs.length < 10, `${ceReqs.length} batch requests`);
    assert.deepEqual(ids('/ce').sort(), Array.from({ length: 10 }, (_, i) => `bt${i}`).sort());
    assert.ok(ceReqs.every((r) => String(r.headers['webhook-id']).startsWith('batch_') || (JSON.parse(r.body) as unknown[]).length === 1));
    const jsonReqs = rx.requests.filter((r) => r.url === '/json');
    assert.ok(jsonReqs.every((r) => String(r.headers['content-type']).startsWith('application/json')));
    assert.ok(jsonReqs.every((r) => (JSON.parse(r.body) as unknown[]).length <= 4));
    assert.deepEqual((items('/json') as { i: number }[]).map((d) => d.i).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
    await untilFinal(t.url, 'default', 'bt9', 'delivered');
  } finally {
    await rx.close();
  }
});

test('delivery flow - an unordered target sends at most `concurrency` deliveries at once', async () => {
  const rx = await startReceiver(() => ({ hang: 50 }));
  try {
    await putRule(t.url, 'default', 'parallel', {
      filter: { pattern: { type: ['parallel'] } },
      targets: [{ id: 'h', kind: 'http', url: rx.url, concurrency: 3 }],
    });
    await putEvents(t.url, 'default', Array.from({ length: 12 }, (_, i) => ce(`p${i}`, { type: 'parallel' })));
    for (let i = 0; i < 12; i++) await untilFinal(t.url, 'default', `p${i}`, 'delivered');
    assert.equal(rx.maxOpen(), 3, 'three at a time, never more');
  } finally {
    await rx.close();
  }
});

test('delivery flow - a rule change applies at once: a new URL takes the retries; a removed target\'s queue becomes dead letters', async () => {
  const a = await startReceiver(() => ({ status: 503 }));
  const b = await startReceiver();
  try {
    const target = (url: string): Record<string, unknown> => ({ id: 'h', kind: 'http', url, retry: { baseMs: 200, capMs: 200, jitter: 'none' }, circuitBreaker: { failureThreshold: 10_000 } });
    const rule = (targets: unknown[]): Record<string, unknown> => ({ filter: { pattern: { type: ['moving'] } }, targets });
    await putRule(t.url, 'default', 'moving', rule([target(a.url)]));
    await putEvents(t.url, 'default', [ce('m1', { type: 'moving' })]);
    await a.until('a failed attempt at the old URL', (r) => r.length >= 1);
    await putRule(t.url, 'default', 'moving', rule([target(b.url)]));
    await b.until('the retry at the new URL', (r) => r.length === 1);
    await untilFinal(t.url, 'default', 'm1', 'delivered');

    b.setScript(() => ({ status: 503 }));
    await putEvents(t.url, 'default', [ce('m2', { type: 'moving' })]);
    await b.until('a failed attempt of m2', (r) => r.length === 2);
    await putRule(t.url, 'default', 'moving', rule([]));
    const tr = await untilFinal(t.url, 'default', 'm2', 'dead');
    assert.equal(tr.targets[0]!.state, 'dead');
    const [dl] = await deadLetters(t.url, 'rule=moving');
    assert.match(dl!.lastError ?? '', /target "h" was removed from the rule/);
  } finally {
    await a.close();
    await b.close();
  }
});
