// Crash safety of delayed events and open transactions (issue 16): a child server is SIGKILLed
// (1) with a backlog of delayed events partly due — after a restart every one is delivered,
// none before its `deliverat`; (2) with an open transaction — after a restart it is still open
// with its events held, and is checked back with its producer, who commits it.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { BATCH, STRUCTURED, call, ce } from './_client.js';
import { startChild, tempDataDir, type ChildServer } from './_child.js';
import { putRule, startReceiver, type Receiver } from './_delivery-receiver.js';

const DELAYED = 300;
const dirs: string[] = [];
const children: ChildServer[] = [];
const receivers: Receiver[] = [];
after(async () => {
  for (const c of children) {
    c.proc.kill('SIGKILL');
    await c.exited;
  }
  for (const r of receivers) await r.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<ChildServer> {
  const c = await startChild(dataDir, { SWITCHYARD_DELIVERY_POLL_INTERVAL_MS: '50', SWITCHYARD_TRANSACTIONS_CHECK_INTERVAL_MS: '100' });
  children.push(c);
  return c;
}

async function kill(c: ChildServer): Promise<void> {
  c.proc.kill('SIGKILL');
  await c.exited;
}

test('delay crash - after SIGKILL with a delayed backlog every delayed event is delivered once due, none before', async (t) => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const rx = await startReceiver(() => ({ status: 200 }));
  receivers.push(rx);
  const first = await start(dataDir);
  await putRule(first.url, 'default', 'late', { filter: { pattern: { type: ['late'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
  const t0 = Date.now();
  // Due from 1.5 s to 10 s after the put, spread evenly: some fall due before the kill, most after.
  const dueOf = new Map<string, number>();
  const events = Array.from({ length: DELAYED }, (_, i) => {
    const due = t0 + 1500 + Math.floor((i * 8500) / DELAYED);
    dueOf.set(`late${i}`, due);
    return ce(`late${i}`, { type: 'late', deliverat: new Date(due).toISOString() });
  });
  const a = await call(first.url, '/v1/buses/default/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });
  assert.equal(a.status, 202, a.text);
  await rx.until('the first delayed deliveries', (r) => r.length >= 10, 60_000);
  await kill(first);
  const atKill = rx.requests.length;
  assert.ok(atKill < DELAYED, `killed with delayed deliveries still ahead (${atKill} delivered)`);

  await start(dataDir);
  await rx.until('every delayed event delivered', (rs) => new Set(rs.map((r) => String(r.headers['ce-id']))).size === DELAYED, 120_000);
  const early = rx.requests.filter((r) => r.at < dueOf.get(String(r.headers['ce-id']))!);
  assert.deepEqual(early.map((r) => `${String(r.headers['ce-id'])} ${dueOf.get(String(r.headers['ce-id']))! - r.at} ms early`), [], 'none before its deliverat');
  const dupes = rx.requests.length - DELAYED;
  t.diagnostic(`${dupes} duplicate deliveries after the kill (at-least-once)`);
});

test('transaction crash - after SIGKILL an open transaction is still open with its events, then checked back and committed', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const rx = await startReceiver(() => ({ status: 200 }));
  // The producer answers "unknown" (ask again later) until the test has seen the transaction open
  // after the restart, then "commit": the test does not race the check-back against the restart.
  let answer = 'unknown';
  const checks = await startReceiver(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: answer }) }));
  receivers.push(rx, checks);
  const first = await start(dataDir);
  await putRule(first.url, 'default', 'txr', { filter: { pattern: { type: ['txr'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
  const b = await call<{ id: string }>(first.url, '/v1/buses/default/transactions', { json: { checkUrl: `${checks.url}/check`, checkAfterMs: 2000 } });
  assert.equal(b.status, 201, b.text);
  const tx = b.json.id;
  for (const id of ['x1', 'x2', 'x3']) {
    const p = await call(first.url, '/v1/buses/default/events', { body: JSON.stringify(ce(id, { type: 'txr' })), headers: { 'content-type': STRUCTURED, 'switchyard-transaction': tx } });
    assert.equal(p.status, 202, p.text);
  }
  await kill(first);

  const second = await start(dataDir);
  const open = await call<{ state: string; events: number }>(second.url, `/v1/buses/default/transactions/${tx}`);
  assert.deepEqual([open.json.state, open.json.events], ['open', 3], open.text);
  assert.equal((await call(second.url, '/v1/buses/default/events/x1')).status, 404, 'still held');
  answer = 'commit';
  await checks.until('the check-back', (r) => r.length >= 1, 60_000);
  assert.equal(JSON.parse(checks.requests[0]!.body).transaction, tx);
  await rx.until('the committed events delivered', (rs) => new Set(rs.map((r) => String(r.headers['ce-id']))).size === 3, 60_000);
  const done = await call<{ state: string; history: { type: string; by?: string }[] }>(second.url, `/v1/buses/default/transactions/${tx}`);
  assert.equal(done.json.state, 'committed');
  const steps = done.json.history.map((s) => s.type);
  assert.deepEqual([steps[0], steps.at(-1)], ['begin', 'committed'], steps.join());
  assert.ok(steps.slice(1, -1).length >= 1 && steps.slice(1, -1).every((t) => t === 'check'), steps.join());
  const order = (await call<{ items: { event: { id: string } }[] }>(second.url, '/v1/buses/default/events?type=txr')).json.items.map((i) => i.event.id);
  assert.deepEqual(order, ['x1', 'x2', 'x3']);
});
