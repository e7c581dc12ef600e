// Live tail over real HTTP: GET /v1/buses/{bus}/stream (Server-Sent Events), pattern
// filtering, resume with Last-Event-ID after a disconnect, and the `switchyard tail` command.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SseParser, type SseMessage } from '../../src/cli/commands/tail.js';
import { startTestServer, type TestServer } from './harness.js';
import { runCli } from './_cli-in-process.js';
import { STRUCTURED, WAIT_MS, assertProblem, call, ce } from './_client.js';

interface StoredView { event: Record<string, unknown>; sequence: number }

/** An open SSE connection that collects event messages as they arrive. */
class Stream {
  readonly events: SseMessage[] = [];
  readonly #abort = new AbortController();
  readonly #parser = new SseParser();
  #waiters: (() => void)[] = [];
  #done: Promise<void> | undefined;
  status = 0;

  get lastEventId(): string | undefined {
    return this.#parser.lastEventId;
  }

  async open(url: string, headers: Record<string, string> = {}): Promise<this> {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.#abort.signal });
    this.status = res.status;
    if (res.status !== 200 || res.body === null) return this;
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    // The first chunk (the opening comment and id) arrives before open() returns.
    const first = await reader.read();
    if (!first.done) this.#take(decoder.decode(first.value, { stream: true }));
    this.#done = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          this.#take(decoder.decode(value, { stream: true }));
        }
      } catch {
        // aborted by close()
      }
    })();
    return this;
  }

  #take(text: string): void {
    for (const m of this.#parser.push(text)) if (m.event === 'event') this.events.push(m);
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `n` events arrived in total (bounded by a deadline). */
  async waitFor(n: number, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < n) {
      if (Date.now() > deadline) throw new Error(`timed out with ${this.events.length} of ${n} events`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}

describe('observe stream e2e', () => {
  let s: TestServer;
  let base: string;
  before(async () => {
    s = await startTestServer({ observe: { streamHeartbeatMs: 100 } });
    base = s.url;
  });
  after(() => s.close());

  const newBus = async (name: string): Promise<void> => {
    assert.equal((await call(base, '/v1/buses', { json: { name } })).status, 201);
  };
  const put = async (bus: string, id: string, extra: Record<string, unknown> = {}): Promise<void> => {
    const a = await call(base, `/v1/buses/${bus}/events`, { body: JSON.stringify(ce(id, extra)), headers: { 'content-type': STRUCTURED } });
    assert.equal(a.status, 202, a.text);
  };
  const seqs = (st: Stream): number[] => st.events.map((m) => (JSON.parse(m.data) as StoredView).sequence);

  test('stream - events arrive as SSE messages whose id is the sequence, starting at the head', async () => {
    await newBus('live');
    await put('live', 'before');
    const st = await new Stream().open(`${base}/v1/buses/live/stream`);
    assert.equal(st.lastEventId, '1', 'the opening message says where the stream starts');
    await put('live', 'a');
    await put('live', 'b', { data: { text: 'two\nlines' } });
    await st.waitFor(2);
    await st.close();
    assert.deepEqual(st.events.map((m) => m.id), ['2', '3']);
    const views = st.events.map((m) => JSON.parse(m.data) as StoredView);
    assert.deepEqual(views.map((v) => v.event['id']), ['a', 'b']);
    assert.deepEqual(views[1]!.event['data'], { text: 'two\nlines' });
  });

  test('stream - resume with Last-Event-ID after a disconnect loses and repeats nothing', async () => {
    await newBus('resume');
    const first = await new Stream().open(`${base}/v1/buses/resume/stream?after=0`);
    for (let i = 0; i < 30; i++) await put('resume', `e-${i}`);
    await first.waitFor(10);
    await first.close();
    const got = [...first.events];
    // Written while disconnected: must all arrive after the reconnect.
    for (let i = 30; i < 50; i++) await put('resume', `e-${i}`);
    const second = await new Stream().open(`${base}/v1/buses/resume/stream`, { 'last-event-id': got[got.length - 1]!.id! });
    await second.waitFor(50 - got.length);
    for (let i = 50; i < 55; i++) await put('resume', `e-${i}`);
    await second.waitFor(55 - got.length);
    await second.close();
    const all = [...got, ...second.events].map((m) => (JSON.parse(m.data) as StoredView).event['id']);
    assert.deepEqual(all, Array.from({ length: 55 }, (_, i) => `e-${i}`));
  });

  test('stream - a client that drops before any event resumes from where its stream started', async () => {
    await newBus('early');
    await put('early', 'old');
    const st = await new Stream().open(`${base}/v1/buses/early/stream`);
    const startId = st.lastEventId!;
    await st.close();
    await put('early', 'missed-while-away');
    const again = await new Stream().open(`${base}/v1/buses/early/stream`, { 'last-event-id': startId });
    await again.waitFor(1);
    await again.close();
    assert.deepEqual(again.events.map((m) => (JSON.parse(m.data) as StoredView).event['id']), ['missed-while-away']);
  });

  test('stream - pattern passes only matching events; keep-alives move Last-Event-ID past skipped ones', async () => {
    await newBus('filtered');
    const pattern = encodeURIComponent(JSON.stringify({ data: { n: [{ numeric: ['>=', 5] }] } }));
    const st = await new Stream().open(`${base}/v1/buses/filtered/stream?pattern=${pattern}&after=0`);
    for (let n = 0; n < 10; n++) await put('filtered', `f-${n}`, { data: { n } });
    await st.waitFor(5);
    assert.deepEqual(seqs(st), [6, 7, 8, 9, 10]);
    for (let n = 0; n < 3; n++) await put('filtered', `g-${n}`, { data: { n } });
    // Heartbeats (every 100 ms here) carry the cursor: it passes the three skipped events.
    const deadline = Date.now() + WAIT_MS;
    while (st.lastEventId !== '13' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(st.lastEventId, '13');
    await st.close();
  });

  test('stream - bad Last-Event-ID, bad pattern and unknown bus are problems', async () => {
    assertProblem(await call(base, '/v1/buses/live/stream', { headers: { 'last-event-id': 'abc' } }), 400, 'SWY_OBSERVE_INVALID_QUERY');
    assertProblem(await call(base, '/v1/buses/live/stream?pattern=%5B1%5D'), 400, 'SWY_OBSERVE_INVALID_PATTERN');
    assertProblem(await call(base, '/v1/buses/nope/stream'), 404, 'SWY_STORE_BUS_NOT_FOUND');
  });

  const cli = (args: string[]): ReturnType<typeof runCli> => runCli(base, args);

  test('cli - tail prints matching events as they arrive and stops after --count', async () => {
    await newBus('clitail');
    const running = cli(['tail', '--bus', 'clitail', '--pattern', '{"type":["keep"]}', '--count', '3']);
    // The tail connects at the head: events put before it connected would not be shown, so put
    // until three "keep" events have been printed (bounded).
    let i = 0;
    let done = false;
    void running.then(() => (done = true));
    while (!done && i < 200) {
      await put('clitail', `k-${i}`, { type: i % 2 === 0 ? 'keep' : 'drop', subject: `s-${i}` });
      i++;
      await new Promise((r) => setImmediate(r));
    }
    const r = await running;
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /^#\d+ {2}\S+Z {2}keep {2}urn:e2e {2}k-\d+ {2}subject=s-\d+ {2}\(no rule matched\)$/);
  });

  test('cli - tail --from-start --json prints one JSON line per stored event', async () => {
    await newBus('clijson');
    for (let i = 0; i < 4; i++) await put('clijson', `j-${i}`);
    const r = await cli(['tail', '--bus', 'clijson', '--from-start', '--json', '--count', '4']);
    assert.equal(r.code, 0, r.err);
    const views = r.out.trim().split('\n').map((l) => JSON.parse(l) as StoredView);
    assert.deepEqual(views.map((v) => v.event['id']), ['j-0', 'j-1', 'j-2', 'j-3']);
  });

  test('cli - tail on an unknown bus exits 1 with the problem code', async () => {
    const r = await cli(['tail', '--bus', 'missing', '--count', '1']);
    assert.equal(r.code, 1);
    assert.match(r.err, /SWY_STORE_BUS_NOT_FOUND/);
  });
});
