// At-most-once across a crash (issue 16 item 7, docs/delivery.md): a child server is SIGKILLed
// while its one attempt to an at-most-once target is in flight (the receiver holds the request);
// after a restart on the same data directory the delivery is dropped, never sent again, while an
// at-least-once target of the same rule gets the event again.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { call, ce, until } from './_client.js';
import { startChild, tempDataDir, type ChildServer } from './_child.js';
import { putRule, startReceiver, type Receiver } from './_delivery-receiver.js';

const dataDir = tempDataDir();
let child: ChildServer | undefined;
let rx: Receiver | undefined;
after(async () => {
  if (child !== undefined && child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  await rx?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('at-most-once crash - a send in flight when the server is killed is not made again after the restart', async () => {
  let hold = true;
  rx = await startReceiver(() => (hold ? { hang: 60_000 } : { status: 200 }));
  const receiver = rx;
  const env = { SWITCHYARD_DELIVERY_POLL_INTERVAL_MS: '50' };
  child = await startChild(dataDir, env);
  await putRule(child.url, 'default', 'amo', {
    filter: { pattern: { type: ['amo'] } },
    targets: [
      { id: 'once', kind: 'http', url: `${receiver.url}/once`, delivery: 'at-most-once', timeoutMs: 60_000 },
      { id: 'least', kind: 'http', url: `${receiver.url}/least`, timeoutMs: 60_000 },
    ],
  });
  const put = await call(child.url, '/v1/buses/default/events', { json: ce('amo-crash', { type: 'amo' }), headers: { 'content-type': 'application/cloudevents+json' } });
  assert.equal(put.status, 202, put.text);
  await receiver.until('both sends in flight', (rs) => rs.some((r) => r.url === '/once') && rs.some((r) => r.url === '/least'));
  child.proc.kill('SIGKILL');
  await child.exited;
  hold = false;

  child = await startChild(dataDir, env);
  const second = child;
  await receiver.until('the at-least-once target got it again', (rs) => rs.filter((r) => r.url === '/least').length >= 2);
  let states: Record<string, string> = {};
  await until('the at-most-once delivery settled', async () => {
    const t = await call<{ targets: { target: string; state: string }[] }>(second.url, '/v1/buses/default/events/amo-crash/trace');
    states = Object.fromEntries(t.json.targets.map((x) => [x.target, x.state]));
    return states.once === 'dropped' && states.least === 'delivered';
  });
  assert.equal(receiver.requests.filter((r) => r.url === '/once').length, 1, 'the at-most-once target saw the event once');
});
