// Crash safety of delivery (DESIGN §1, issue 5): a child server is SIGKILLed while 10,000 events
// are being delivered to a receiver that records ids; after a restart on the same data directory
// every event reaches the target at least once (duplicates are counted and printed) and every
// FIFO group arrives in bus order. One ordered target (100 groups, 100 in flight) keeps the run
// within a minute on a loaded 2-core machine; the outage test covers an unordered target too.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { BATCH, call, ce } from './_client.js';
import { startChild, tempDataDir } from './_child.js';
import { putRule, startReceiver, type Receiver } from './_delivery-receiver.js';

const EVENTS = 10_000;
const PER_PUT = 500;
const GROUPS = 100;
/** SIGKILL once this many deliveries reached the receiver. */
const KILL_AFTER = 3_000;

interface Child {
  readonly url: string;
  readonly kill: () => Promise<void>;
}

/** `switchyard start` on a free port with fast delivery polling; resolves once /readyz is 200. */
async function startFastChild(dataDir: string): Promise<Child> {
  const c = await startChild(dataDir, { SWITCHYARD_DELIVERY_POLL_INTERVAL_MS: '50', SWITCHYARD_DELIVERY_BREAKER_OPEN_MS: '200' });
  return {
    url: c.url,
    kill: async () => {
      c.proc.kill('SIGKILL');
      await c.exited;
    },
  };
}

const dataDir = tempDataDir();
let child: Child | undefined;
let rx: Receiver | undefined;
after(async () => {
  await child?.kill();
  await rx?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('delivery crash - after SIGKILL mid-delivery every event is delivered at least once, FIFO groups in bus order', async () => {
  rx = await startReceiver(() => ({ status: 200 }));
  const receiver = rx;
  child = await startFastChild(dataDir);
  const first = child;
  await putRule(first.url, 'default', 'crash', {
    filter: { pattern: { type: ['crash'] } },
    targets: [{ id: 'fifo', kind: 'http', url: `${receiver.url}/fifo`, retry: { baseMs: 20, capMs: 200 }, ordering: { groupBy: 'partitionkey' }, concurrency: GROUPS }],
  });
  const seqOf = new Map<string, number>();
  for (let p = 0; p < EVENTS / PER_PUT; p++) {
    const events = Array.from({ length: PER_PUT }, (_, i) => {
      const n = p * PER_PUT + i;
      return ce(`c${n}`, { type: 'crash', partitionkey: `g${n % GROUPS}`, data: { n } });
    });
    const a = await call<{ results: { id: string; sequence: number }[] }>(first.url, '/v1/buses/default/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text);
    for (const r of a.json.results) seqOf.set(r.id, r.sequence);
  }
  // Every event is acknowledged (durable, its deliveries enqueued); kill while they are being delivered.
  await receiver.until('deliveries under way', (r) => r.length >= KILL_AFTER, 60_000);
  await first.kill();
  const atKill = receiver.requests.length;
  assert.ok(atKill < EVENTS, 'the server was killed with deliveries still to make');

  child = await startFastChild(dataDir);
  // Checked on every request, so counted incrementally.
  const seen = new Set<string>();
  let counted = 0;
  await receiver.until('every event delivered', (rs) => {
    for (; counted < rs.length; counted++) seen.add(String(rs[counted]!.headers['ce-id']));
    return seen.size === EVENTS;
  }, 120_000);

  const groups = new Map<string, number[]>();
  for (const r of receiver.requests.filter((x) => x.url === '/fifo')) {
    const g = String(r.headers['ce-partitionkey']);
    const list = groups.get(g) ?? [];
    list.push(seqOf.get(String(r.headers['ce-id']))!);
    groups.set(g, list);
  }
  assert.equal(groups.size, GROUPS);
  for (const [g, seqs] of groups) {
    // At-least-once: a redelivered head may repeat, but a group never goes back in bus order.
    for (let k = 1; k < seqs.length; k++) assert.ok(seqs[k]! >= seqs[k - 1]!, `group ${g} in bus order (${seqs[k - 1]} then ${seqs[k]})`);
  }
  const dups = receiver.requests.length - EVENTS;
  process.stdout.write(`delivery crash: killed after ${atKill} of ${EVENTS} deliveries; ${dups} duplicate deliveries after the restart\n`);
});
