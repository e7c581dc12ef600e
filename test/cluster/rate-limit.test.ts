// A per-target rate limit holds across three cluster nodes (issue 15): every node delivers to
// the target, and together they stay within the limit (measured rate ≤ limit × 1.1) because
// they take tokens from one bucket in PostgreSQL.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startReceiver, type Receiver } from '../e2e/_delivery-receiver.js';
import { dropAll, newNamespace, sleep, startNode, type Node } from './_cluster.js';

const PER_SECOND = 20;
const EVENTS = 240;
const WINDOW_MS = 5000;

const ns = newNamespace('rate');
const nodes: Node[] = [];
let rx: Receiver | undefined;

after(async () => {
  await Promise.allSettled(nodes.map((n) => n.kill()));
  await rx?.close();
  await dropAll(ns);
});

test('three nodes - a target limited to N/s receives at most N·1.1 per second from all of them together', { timeout: 180_000 }, async (t) => {
  rx = await startReceiver();
  const receiver = rx;
  for (let i = 0; i < 3; i++) nodes.push(await startNode(ns));
  const rule = {
    filter: { pattern: { type: ['test.rated'] } },
    targets: [{ id: 'rated', kind: 'http', url: `${receiver.url}/rated`, concurrency: 8, rateLimit: { perSecond: PER_SECOND, burst: 1 } }],
  };
  const res = await fetch(`${nodes[0]!.url}/v1/buses/default/rules/rated`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  assert.equal(res.status, 201, await res.text());
  await sleep(1500);
  // The backlog is put through all three nodes: each one's recorder and dispatcher have work.
  for (let i = 0; i < 3; i++) {
    const batch = Array.from({ length: EVENTS / 3 }, (_, n) => ({ specversion: '1.0', id: `e${i}-${n}`, source: 'urn:rate', type: 'test.rated' }));
    const put = await fetch(`${nodes[i]!.url}/v1/buses/default/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(batch) });
    assert.equal(put.status, 202, await put.text());
  }
  await receiver.until('the first delivery', (rs) => rs.length > 0, 30_000);
  const t0 = receiver.requests[0]!.at;
  // Skip the first second (the burst and every node's first chunk), then count over the window.
  await sleep(Math.max(0, t0 + 1000 + WINDOW_MS - Date.now()) + 200);
  const inWindow = receiver.requests.filter((r) => r.at >= t0 + 1000 && r.at < t0 + 1000 + WINDOW_MS).length;
  const rate = inWindow / (WINDOW_MS / 1000);
  t.diagnostic(`${inWindow} deliveries in ${WINDOW_MS} ms: ${rate.toFixed(1)}/s with a limit of ${PER_SECOND}/s across 3 nodes`);
  assert.ok(inWindow > 0, 'deliveries go on during the window');
  assert.ok(rate <= PER_SECOND * 1.1, `measured ${rate}/s exceeds ${PER_SECOND}/s × 1.1`);
});
