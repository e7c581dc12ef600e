// "What happened to my event?" end to end: the trace of a delivered, a retried-then-delivered
// and a dead-lettered event, search by delivery state, traceparent propagation to a real HTTP
// receiver, and `switchyard trace` rendering the timeline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { runCli } from './_cli-in-process.js';
import { STRUCTURED, assertProblem, call, ce, listAll, until } from './_client.js';
import { FAST_RETRY, putEvents, putRule, startReceiver, untilFinal, type Receiver } from './_delivery-receiver.js';

interface Attempt { n: number; at: string; durationMs: number; ok: boolean; status: number | null; errorClass: string | null; message: string | null }
interface Trace {
  bus: string; id: string; source: string; type: string; sequence: number;
  received: { at: string; size: number; mode: string; client: string | null; traceparent: string | null };
  validation: { result: string; schema?: string; violations?: { path: string; reason: string }[] };
  rules: { matched: string[]; notMatched?: { rule: string; state: string; reason: { path: string; operator: string; expected?: unknown; actual?: unknown } | null }[] };
  targets: { rule: string; target: string; state: string; payload: string | null; payloadTruncated: boolean; attempts: Attempt[]; lastError: string | null }[];
  finalState: string;
  timeline: { at: string; step: string; rule?: string; target?: string; n?: number; ok?: boolean; status?: number | null; reason?: string }[];
}

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('observe trace e2e', () => {
  let s: TestServer;
  let base: string;
  let rx: Receiver;
  /** Per path: how the receiver answers the n-th request to it. */
  const scripts = new Map<string, (n: number) => number>();
  const counts = new Map<string, number>();
  before(async () => {
    s = await startTestServer({ delivery: { pollIntervalMs: 50 }, observe: { tracePayloadBytes: 64 } });
    base = s.url;
    rx = await startReceiver((r) => {
      const n = (counts.get(r.url) ?? 0) + 1;
      counts.set(r.url, n);
      return { status: scripts.get(r.url)?.(n) ?? 200 };
    });
    assert.equal((await call(base, '/v1/buses', { json: { name: 'tr' } })).status, 201);
    const target = (id: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, kind: 'http', url: `${rx.url}${path}`, retry: FAST_RETRY, ...extra });
    await putRule(base, 'tr', 'ok', { filter: { pattern: { type: ['ok'] } }, targets: [target('hook', '/ok', { transform: { type: 'template', variables: { who: '$.data.who' }, template: '{"greeting": "hello ${who}", "padding": "0123456789012345678901234567890123456789012345678901234567890123456789"}' } })] });
    await putRule(base, 'tr', 'flaky', { filter: { pattern: { type: ['flaky'] } }, targets: [target('hook', '/flaky')] });
    await putRule(base, 'tr', 'broken', { filter: { pattern: { type: ['broken'] } }, targets: [target('hook', '/broken')] });
    await putRule(base, 'tr', 'structured', { filter: { pattern: { type: ['structured'] } }, targets: [target('hook', '/structured', { mode: 'structured' })] });
    assert.equal((await call(base, '/v1/buses', { json: { name: 'tr-raw' } })).status, 201);
    await putRule(base, 'tr-raw', 'raw', { filter: { pattern: { type: ['raw'] } }, targets: [target('hook', '/raw', { sendAs: 'body', transform: { type: 'template', variables: { w: '$.data.who' }, template: '{"r":"${switchyard.rule}","t":"${switchyard.ingestion-time}","w":"${w}"}' } })] });
    await putRule(base, 'tr', 'off', { state: 'disabled', filter: { pattern: { source: [{ prefix: 'urn:other' }] } } });
    scripts.set('/flaky', (n) => (n <= 2 ? 503 : 200));
    scripts.set('/broken', () => 400);
  });
  after(async () => {
    await s.close();
    await rx.close();
  });

  const getTrace = async (id: string, qs = ''): Promise<Trace> => {
    const a = await call<Trace>(base, `/v1/buses/tr/events/${id}/trace${qs}`);
    assert.equal(a.status, 200, a.text);
    return a.json;
  };

  test('trace - a delivered event: receipt, matched rules, why others did not match, payload, attempt, timeline', async () => {
    const body = JSON.stringify(ce('d-1', { type: 'ok', data: { who: 'world' } }));
    const put = await call(base, '/v1/buses/tr/events', { body, headers: { 'content-type': STRUCTURED, traceparent: TP } });
    assert.equal(put.status, 202, put.text);
    await untilFinal(base, 'tr', 'd-1', 'delivered');
    const t = await getTrace('d-1', '?explain=true');
    assert.equal(t.sequence, 1);
    assert.deepEqual({ ...t.received, at: undefined, size: undefined }, { at: undefined, size: undefined, mode: 'structured', client: '127.0.0.1', traceparent: TP });
    assert.ok(Number.isInteger(t.received.size) && t.received.size > 0 && t.received.size <= body.length, 'the CloudEvents size of the event');
    assert.ok(Math.abs(Date.parse(t.received.at) - Date.now()) < 60_000);
    assert.deepEqual(t.validation, { result: 'valid' });
    assert.deepEqual(t.rules.matched, ['ok']);
    const why = new Map(t.rules.notMatched!.map((r) => [r.rule, r]));
    assert.deepEqual([...why.keys()].sort(), ['broken', 'flaky', 'off', 'structured']);
    assert.deepEqual(why.get('flaky')!.reason, { path: 'type', operator: 'exact', expected: ['flaky'], actual: 'ok' });
    assert.equal(why.get('off')!.state, 'disabled');
    assert.equal(why.get('off')!.reason?.path, 'source');
    assert.equal(t.targets.length, 1);
    const tt = t.targets[0]!;
    assert.equal(tt.state, 'delivered');
    assert.equal(tt.payloadTruncated, true, 'the payload is cut at observe.tracePayloadBytes');
    assert.equal(tt.payload!.length, 64);
    // The transformer's output became the event's data (sendAs: data), as the receiver got it.
    assert.ok(tt.payload!.startsWith('{"specversion":"1.0","id":"d-1"'), tt.payload!);
    const sent = rx.requests.find((r) => r.headers['ce-id'] === 'd-1');
    assert.match(sent?.body ?? '', /^\{"greeting": "hello world"/);
    assert.deepEqual(tt.attempts.map((a) => [a.n, a.ok, a.status]), [[1, true, 200]]);
    assert.deepEqual(t.timeline.map((x) => x.step), ['received', 'matched', 'attempt', 'delivered']);
    assert.equal(t.finalState, 'delivered');
    // Without explain the other rules are not evaluated.
    assert.equal((await getTrace('d-1')).rules.notMatched, undefined);
  });

  test('trace - the payload shown is byte for byte what the dispatcher sent, rule and ingestion time included', async () => {
    await putEvents(base, 'tr-raw', [ce('raw-1', { type: 'raw', data: { who: 'ann' } })]);
    await untilFinal(base, 'tr-raw', 'raw-1', 'delivered');
    const sent = rx.requests.filter((r) => r.url === '/raw');
    assert.equal(sent.length, 1);
    const a = await call<Trace>(base, '/v1/buses/tr-raw/events/raw-1/trace');
    assert.equal(a.status, 200, a.text);
    const t = a.json;
    assert.equal(t.targets[0]!.payloadTruncated, false);
    assert.equal(t.targets[0]!.payload, sent[0]!.body);
    assert.match(sent[0]!.body, /^\{"r":"tr-raw\/raw","t":"\d{4}-.+Z","w":"ann"\}$/);
  });

  test('trace - a retried-then-delivered event lists every attempt in order with its error', async () => {
    await putEvents(base, 'tr', [ce('r-1', { type: 'flaky' })]);
    await untilFinal(base, 'tr', 'r-1', 'delivered');
    const t = await getTrace('r-1');
    const tt = t.targets[0]!;
    assert.deepEqual(tt.attempts.map((a) => [a.n, a.ok, a.status, a.errorClass]), [[1, false, 503, 'http'], [2, false, 503, 'http'], [3, true, 200, null]]);
    assert.deepEqual(t.timeline.map((x) => x.step), ['received', 'matched', 'attempt', 'attempt', 'attempt', 'delivered']);
    const times = t.timeline.map((x) => Date.parse(x.at));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'the timeline is in time order');
    assert.equal(tt.payload, JSON.stringify(ce('r-1', { type: 'flaky' })).slice(0, 64));
  });

  test('trace - a dead-lettered event says why, keeps the payload and ends dead', async () => {
    await putEvents(base, 'tr', [ce('x-1', { type: 'broken', data: { n: 1 } })]);
    await untilFinal(base, 'tr', 'x-1', 'dead');
    const t = await getTrace('x-1');
    const tt = t.targets[0]!;
    assert.equal(tt.state, 'dead');
    assert.deepEqual(tt.attempts.map((a) => [a.ok, a.status]), [[false, 400]]);
    assert.match(tt.lastError ?? '', /400/);
    assert.ok(tt.payload !== null);
    const last = t.timeline[t.timeline.length - 1]!;
    assert.equal(last.step, 'dead');
    assert.match(last.reason ?? '', /400/);
  });

  test('trace - an event no rule matched ends no-rule-matched', async () => {
    await putEvents(base, 'tr', [ce('n-1', { type: 'nobody' })]);
    const t = await getTrace('n-1');
    assert.equal(t.finalState, 'no-rule-matched');
    assert.deepEqual(t.targets, []);
  });

  test('trace - search by delivery state finds delivered, retrying and dead events', async () => {
    // Retries 200–400 ms apart: retrying for a minute before the retry budget (185) runs out.
    scripts.set('/later', () => 503);
    await putRule(base, 'tr', 'later', { filter: { pattern: { type: ['later'] } }, targets: [{ id: 'hook', kind: 'http', url: `${rx.url}/later`, retry: { baseMs: 200, capMs: 400 } }] });
    await putEvents(base, 'tr', [ce('r-2', { type: 'later' })]);
    await until('r-2 retrying', async () => (await getTrace('r-2')).finalState === 'retrying');
    const ids = async (state: string): Promise<unknown[]> => (await listAll(base, 'tr', `state=${state}`)).map((e) => e.event['id']);
    assert.deepEqual(await ids('retrying'), ['r-2']);
    assert.deepEqual(await ids('dead'), ['x-1']);
    assert.deepEqual(await ids('delivered'), ['d-1', 'r-1']);
    assert.deepEqual(await ids('unmatched'), ['n-1']);
    scripts.set('/later', () => 200);
    await untilFinal(base, 'tr', 'r-2', 'delivered');
    assert.deepEqual(await ids('retrying'), []);
  });

  test('trace - the producer traceparent reaches the receiver: a child per attempt as header, the original as extension', async () => {
    const before = rx.requests.length;
    const a = await call(base, '/v1/buses/tr/events', { body: JSON.stringify(ce('t-1', { type: 'flaky' })), headers: { 'content-type': STRUCTURED, traceparent: TP } });
    assert.equal(a.status, 202);
    await untilFinal(base, 'tr', 't-1', 'delivered');
    const got = rx.requests.slice(before).filter((r) => r.headers['ce-id'] === 't-1');
    assert.equal(got.length, 1);
    const header = String(got[0]!.headers['traceparent']);
    const [v, trace, span, flags] = header.split('-');
    assert.deepEqual([v, trace, flags], ['00', '4bf92f3577b34da6a3ce929d0e0e4736', '01']);
    assert.match(span!, /^[0-9a-f]{16}$/);
    assert.notEqual(span, '00f067aa0ba902b7', 'the delivery is a new span in the producer\'s trace');
    assert.equal(got[0]!.headers['ce-traceparent'], TP, 'binary mode: the extension as a ce- header');
  });

  test('trace - an event\'s own traceparent extension is kept and propagated (structured mode)', async () => {
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await putEvents(base, 'tr', [ce('t-2', { type: 'structured', traceparent: own })]);
    await untilFinal(base, 'tr', 't-2', 'delivered');
    const got = rx.requests.filter((r) => r.url === '/structured');
    assert.equal(got.length, 1);
    assert.equal((JSON.parse(got[0]!.body) as { traceparent?: string }).traceparent, own);
    assert.match(String(got[0]!.headers['traceparent']), /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    assert.equal((await getTrace('t-2')).received.traceparent, own);
  });

  test('trace - events without trace context are delivered without a traceparent', async () => {
    const got = rx.requests.filter((r) => r.headers['ce-id'] === 'r-1');
    assert.ok(got.length >= 1);
    for (const r of got) {
      assert.equal(r.headers['traceparent'], undefined);
      assert.equal(r.headers['ce-traceparent'], undefined);
    }
  });

  test('trace - unknown event or bus is a 404 problem', async () => {
    assertProblem(await call(base, '/v1/buses/tr/events/nope/trace'), 404, 'SWY_STORE_EVENT_NOT_FOUND');
    assertProblem(await call(base, '/v1/buses/nobus/events/x/trace'), 404, 'SWY_STORE_BUS_NOT_FOUND');
  });

  const cli = (args: string[]): ReturnType<typeof runCli> => runCli(base, args);

  test('cli - switchyard trace renders the receipt, rules, targets and timeline', async () => {
    const size = (await getTrace('r-1')).received.size;
    const r = await cli(['trace', 'r-1', '--bus', 'tr', '--explain']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.equal(lines[0], 'event r-1  (bus tr, sequence 2)');
    assert.ok(lines.includes('  final state  delivered'), r.out);
    assert.ok(lines.includes('rules matched: flaky'), r.out);
    assert.ok(lines.some((l) => l === '  not matched  ok: type: exact expected ["ok"], got "flaky"'), r.out);
    assert.ok(lines.some((l) => /^ {2}not matched {2}off \(disabled\): source: /.test(l)), r.out);
    assert.ok(lines.includes('  flaky/hook  delivered  3 attempts'), r.out);
    const timeline = lines.slice(lines.indexOf('timeline:') + 1).filter((l) => l !== '');
    assert.deepEqual(timeline.map((l) => l.replace(/^ {2}[\d:.]+ {2}/, '').replace(/\(\d+(\.\d+)? ms\)/, '(… ms)')), [
      `received   structured, ${size} bytes`,
      'matched    flaky',
      'attempt 1  flaky/hook  failed: HTTP 503  (… ms)',
      'attempt 2  flaky/hook  failed: HTTP 503  (… ms)',
      'attempt 3  flaky/hook  ok 200  (… ms)',
      'delivered  flaky/hook',
    ]);
  });

  test('cli - switchyard trace --json prints the server\'s document; unknown ids exit 1', async () => {
    const r = await cli(['trace', 'x-1', '--bus', 'tr', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as Trace).finalState, 'dead');
    const missing = await cli(['trace', 'nope', '--bus', 'tr']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /SWY_STORE_EVENT_NOT_FOUND/);
  });
});
