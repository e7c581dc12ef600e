// Retry schedules on a server with a ManualClock: time moves only when the test says, so the
// schedule is checked to the millisecond without sleeping through it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { ce, until } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { deadLetters, putEvents, putRule, startReceiver, trace, untilFinal, type Receiver } from './_delivery-receiver.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1));
let t: TestServer;
let rx: Receiver;
before(async () => {
  // Events of type "ok" are accepted; everything else gets a 503.
  rx = await startReceiver((r) => (r.headers['ce-type'] === 'ok' ? { status: 200 } : { status: 503 }));
  t = await startTestServer({ delivery: { pollIntervalMs: 20 } }, { clock });
});
after(async () => {
  await t.close();
  await rx.close();
});

const attemptsOf = (id: string): number => rx.requests.filter((r) => r.headers['ce-id'] === id).length;

/**
 * Waits until the server has recorded `n` attempts of the event: the receiver sees a request
 * before the server sees its answer, and a retry is scheduled from the time of the answer.
 */
async function recorded(id: string, n: number): Promise<void> {
  await until(`${n} recorded attempt(s) of ${id}`, async () => (await attemptTimes(id)).length === n);
}

test('delivery clock - exponential-decay retries 1 s, 2 s, 4 s after each failure, not before', async () => {
  await putRule(t.url, 'default', 'decay', {
    filter: { pattern: { source: ['urn:decay'] } },
    targets: [{ id: 'h', kind: 'http', url: rx.url, retry: 'exponential-decay' }],
  });
  const t0 = clock.now();
  await putEvents(t.url, 'default', [ce('d1', { source: 'urn:decay', type: 'fail' })]);
  await recorded('d1', 1);
  let probe = 0;
  for (const wait of [1000, 2000, 4000]) {
    const before = attemptsOf('d1');
    // Just short of the retry: another event of the target, sent at once, proves the worker
    // looked at the queue at this time — and the failed one was not due yet.
    clock.advance(wait - 1);
    const id = `ok${probe++}`;
    await putEvents(t.url, 'default', [ce(id, { source: 'urn:decay', type: 'ok' })]);
    await untilFinal(t.url, 'default', id, 'delivered');
    assert.equal(attemptsOf('d1'), before, `no retry ${wait - 1} ms after the failure`);
    clock.advance(1);
    await rx.until(`the retry ${wait} ms after the failure`, () => attemptsOf('d1') === before + 1);
    await recorded('d1', before + 1);
  }
  const tr = await trace(t.url, 'default', 'd1');
  assert.deepEqual(tr.targets[0]!.attempts.map((a) => a.ok), [false, false, false, false]);
  const at = (await attemptTimes('d1')).map((ms) => ms - t0);
  assert.deepEqual(at, [0, 1000, 3000, 7000]);
});

test('delivery clock - a delivery still failing when retry.maxAgeMs would be exceeded becomes a dead letter', async () => {
  await putRule(t.url, 'default', 'aged', {
    filter: { pattern: { source: ['urn:aged'] } },
    targets: [{ id: 'h', kind: 'http', url: rx.url, retry: { maxAgeMs: 60_000, baseMs: 20_000, capMs: 20_000, jitter: 'none' } }],
  });
  await putEvents(t.url, 'default', [ce('a1', { source: 'urn:aged', type: 'fail' })]);
  await recorded('a1', 1);
  clock.advance(20_000);
  await recorded('a1', 2);
  clock.advance(20_000);
  await recorded('a1', 3);
  // The next retry would fall at 60,000 ms after the enqueue: still inside the window.
  clock.advance(20_000);
  await recorded('a1', 4);
  // One more would fall at 80,000 ms: past maxAgeMs, so attempt 4 was the last.
  await untilFinal(t.url, 'default', 'a1', 'dead');
  const [dl] = await deadLetters(t.url, 'rule=aged');
  assert.match(dl!.lastError ?? '', /retry window of 60000 ms exceeded after 4 attempt/);
});

/** The clock times of the event's attempts, from its trace (epoch ms). */
async function attemptTimes(id: string): Promise<number[]> {
  return (await trace(t.url, 'default', id)).targets[0]!.attempts.map((x) => Date.parse(x.at));
}
