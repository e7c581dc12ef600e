// /metrics over real HTTP: counters and gauges change as expected between two scrapes, for
// ingest (received, rejected, duplicates, matches) and delivery (outcomes, attempts, latency,
// dead letters, backlog, circuit state) and the event-loop delay; metrics off serves nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { STRUCTURED, call, ce, until } from './_client.js';
import { FAST_RETRY, putEvents, putRule, startReceiver, untilFinal, type Receiver } from './_delivery-receiver.js';

type Samples = Map<string, number>;

/** Parses the text exposition format into `name{labels}` → value (labels as printed). */
function parse(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('observe metrics e2e', () => {
  let s: TestServer;
  let base: string;
  let ok: Receiver;
  let down: Receiver;
  before(async () => {
    s = await startTestServer({ delivery: { pollIntervalMs: 50 } });
    base = s.url;
    ok = await startReceiver(() => ({ status: 200 }));
    down = await startReceiver(() => ({ status: 503 }));
    await putRule(base, 'default', 'good', { filter: { pattern: { type: ['good'] } }, targets: [{ id: 'rx', kind: 'http', url: ok.url, retry: FAST_RETRY }] });
    await putRule(base, 'default', 'bad', { filter: { pattern: { type: ['bad'] } }, targets: [{ id: 'rx', kind: 'http', url: ok.url, retry: { maxAttempts: 0 }, headers: { 'x-bad': '1' } }] });
    // A target that fails with a long backoff: its deliveries stay pending; one failure opens its circuit.
    await putRule(base, 'default', 'stuck', {
      filter: { pattern: { type: ['stuck'] } },
      targets: [{ id: 'rx', kind: 'http', url: down.url, retry: { baseMs: 60_000, capMs: 60_000 }, circuitBreaker: { failureThreshold: 1, openMs: 60_000 } }],
    });
    ok.setScript((r) => ({ status: r.headers['x-bad'] === '1' ? 400 : 200 }));
  });
  after(async () => {
    await s.close();
    await ok.close();
    await down.close();
  });

  const scrape = async (): Promise<Samples> => {
    const a = await call(base, '/metrics');
    assert.equal(a.status, 200);
    assert.match(a.contentType, /^text\/plain/);
    return parse(a.text);
  };
  const delta = (a: Samples, b: Samples, key: string): number => (b.get(key) ?? 0) - (a.get(key) ?? 0);

  test('metrics - ingest counters change as expected between two scrapes', async () => {
    const before = await scrape();
    await putEvents(base, 'default', [ce('m-1', { type: 'nothing' }), ce('m-2', { type: 'nothing' })]);
    const dup = await call(base, '/v1/buses/default/events', { body: JSON.stringify(ce('m-1', { type: 'nothing' })), headers: { 'content-type': STRUCTURED } });
    assert.equal(dup.status, 202);
    const bad = await call(base, '/v1/buses/default/events', { body: '{"specversion":"1.0"}', headers: { 'content-type': STRUCTURED } });
    assert.equal(bad.status, 400);
    assert.equal((await call(base, '/v1/buses/nope/events', { body: JSON.stringify(ce('x')), headers: { 'content-type': STRUCTURED } })).status, 404);
    const pe = await call<{ failedCount: number }>(base, '/v1/events', { json: { entries: [{ ...ce('pe-1', { type: 'nothing' }) }, { bus: 'default', id: 'no-source' }] } });
    assert.equal(pe.json.failedCount, 1);
    const after = await scrape();
    assert.equal(delta(before, after, 'switchyard_events_received_total{bus="default",mode="batch"}'), 2);
    assert.equal(delta(before, after, 'switchyard_events_received_total{bus="default",mode="put-events"}'), 1);
    assert.equal(delta(before, after, 'switchyard_events_duplicate_total{bus="default"}'), 1);
    assert.equal(delta(before, after, 'switchyard_events_unmatched_total{bus="default"}'), 3);
    const rejected = [...after.keys()].filter((k) => k.startsWith('switchyard_events_rejected_total{bus="default"'));
    assert.equal(rejected.reduce((n, k) => n + delta(before, after, k), 0), 2, rejected.join(', '));
    assert.equal(delta(before, after, 'switchyard_events_rejected_total{bus="",reason="SWY_STORE_BUS_NOT_FOUND"}'), 1);
    assert.equal(delta(before, after, 'switchyard_ingest_duration_seconds_count{route="http"}'), 4);
    assert.equal(delta(before, after, 'switchyard_ingest_duration_seconds_count{route="put-events"}'), 1);
    assert.ok(delta(before, after, 'switchyard_ingest_commit_seconds_count') >= 2);
    assert.ok((after.get('switchyard_store_size_bytes') ?? 0) > 0);
    assert.ok(after.has('process_cpu_user_seconds_total') && after.has('nodejs_eventloop_lag_seconds'), 'process metrics are included');
  });

  test('metrics - delivery outcomes, attempts, latency and dead letters', async () => {
    const before = await scrape();
    await putEvents(base, 'default', [ce('g-1', { type: 'good' }), ce('g-2', { type: 'good' }), ce('b-1', { type: 'bad' })]);
    await untilFinal(base, 'default', 'g-1', 'delivered');
    await untilFinal(base, 'default', 'g-2', 'delivered');
    await untilFinal(base, 'default', 'b-1', 'dead');
    const after = await scrape();
    const good = 'bus="default",rule="good",target="rx"';
    const bad = 'bus="default",rule="bad",target="rx"';
    assert.equal(delta(before, after, 'switchyard_rule_matches_total{bus="default",rule="good"}'), 2);
    assert.equal(delta(before, after, `switchyard_deliveries_total{${good},outcome="delivered"}`), 2);
    assert.equal(delta(before, after, `switchyard_delivery_attempts_total{${good},result="ok"}`), 2);
    assert.equal(delta(before, after, `switchyard_put_to_delivered_seconds_count{${good}}`), 2);
    assert.equal(delta(before, after, `switchyard_delivery_attempt_duration_seconds_count{${good}}`), 2);
    assert.equal(delta(before, after, `switchyard_deliveries_total{${bad},outcome="dead"}`), 1);
    assert.equal(delta(before, after, `switchyard_delivery_attempts_total{${bad},result="error"}`), 1);
    assert.equal(delta(before, after, `switchyard_dead_letters_total{${bad}}`), 1);
  });

  test('metrics - a failing target shows its backlog, the oldest pending age and an open circuit', async () => {
    await putEvents(base, 'default', [ce('s-1', { type: 'stuck' }), ce('s-2', { type: 'stuck' })]);
    await down.until('the first attempt', (r) => r.length >= 1);
    const key = 'bus="default",rule="stuck",target="rx"';
    let m: Samples = new Map();
    await until('the circuit opens', async () => {
      m = await scrape();
      return m.get(`switchyard_target_circuit_state{${key}}`) === 2;
    });
    assert.equal(m.get(`switchyard_deliveries_pending{${key}}`), 2);
    assert.ok((m.get(`switchyard_delivery_oldest_pending_age_seconds{${key}}`) ?? -1) >= 0);
    assert.ok((m.get(`switchyard_delivery_attempts_total{${key},result="error"}`) ?? 0) >= 1);
    // The good target has nothing pending: it has no backlog series.
    assert.equal(m.get('switchyard_deliveries_pending{bus="default",rule="good",target="rx"}'), undefined);
  });

  test('metrics - the event-loop delay gauges show a blocked event loop in the next scrape', async () => {
    await scrape(); // each scrape restarts the delay histogram
    // The server runs in this process: blocking this event loop blocks the server's. The sampler
    // (a libuv timer, 10 ms resolution) records the delay between two of its ticks, and its first
    // tick after a restart only starts its clock. Sleeping well past its resolution around the
    // block makes sure it ticked before (clock started) and after (delay recorded), whatever order
    // libuv runs the expired timers in. A busy machine only makes the sleeps longer.
    const block = (): void => {
      for (const end = performance.now() + 120; performance.now() < end;);
    };
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(40);
    block();
    await sleep(40);
    const m = await scrape();
    for (const g of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) assert.ok(m.has(`nodejs_eventloop_lag_${g}_seconds`), `nodejs_eventloop_lag_${g}_seconds`);
    // A lower bound only: a busy machine can delay the loop further, never less.
    assert.ok(m.get('nodejs_eventloop_lag_max_seconds')! >= 0.1, `max ${m.get('nodejs_eventloop_lag_max_seconds')} s after a 120 ms block`);
  });
});

describe('observe metrics off', () => {
  test('metrics - observe.processMetrics false leaves out the process and Node.js runtime metrics', async () => {
    const s = await startTestServer({ observe: { processMetrics: false } });
    try {
      const a = await call(s.url, '/metrics');
      assert.equal(a.status, 200);
      assert.match(a.text, /^switchyard_/m);
      assert.doesNotMatch(a.text, /^(process|nodejs)_/m);
    } finally {
      await s.close();
    }
  });

  test('metrics - observe.metrics false serves no /metrics and still delivers', async () => {
    const s = await startTestServer({ observe: { metrics: false } });
    try {
      assert.equal((await call(s.url, '/metrics')).status, 404);
      await putEvents(s.url, 'default', [ce('x')]);
    } finally {
      await s.close();
    }
  });
});
