// Outage (issue 5): the receiver goes down, events keep arriving, the receiver comes back on the
// same port → every event is delivered, FIFO groups still in bus order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from './harness.js';
import { putRule, startReceiver, type Received } from './_delivery-receiver.js';
import { BATCH, call, ce } from './_client.js';

const WAVES = 20;
const PER_WAVE = 15;
const GROUPS = 5;

test('delivery outage - events put while the receiver is down are all delivered once it is back, groups in order', async () => {
  // Take a free port for the receiver, then shut it: connections are refused during the outage.
  const probe = await startReceiver();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const t = await startTestServer({ delivery: { pollIntervalMs: 50, breakerOpenMs: 200 } });
  let rx: Awaited<ReturnType<typeof startReceiver>> | undefined;
  try {
    await putRule(t.url, 'default', 'outage', {
      filter: { pattern: { type: ['outage'] } },
      targets: [
        { id: 'plain', kind: 'http', url: `http://127.0.0.1:${port}/plain`, retry: { baseMs: 20, capMs: 200 } },
        { id: 'fifo', kind: 'http', url: `http://127.0.0.1:${port}/fifo`, retry: { baseMs: 20, capMs: 200 }, ordering: { groupBy: 'partitionkey' } },
      ],
    });
    const seqOf = new Map<string, number>();
    const put = async (w: number): Promise<void> => {
      const events = Array.from({ length: PER_WAVE }, (_, i) => ce(`o${w}-${i}`, { type: 'outage', partitionkey: `g${(w * PER_WAVE + i) % GROUPS}` }));
      const a = await call<{ results: { id: string; sequence: number }[] }>(t.url, '/v1/buses/default/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });
      assert.equal(a.status, 202, a.text);
      for (const r of a.json.results) seqOf.set(r.id, r.sequence);
    };
    // Half the events arrive during the outage, spread out while deliveries fail and back off.
    for (let w = 0; w < WAVES / 2; w++) await put(w);
    const st = await call<{ items: { id: string; breaker: { type: string }; health: string }[] }>(t.url, '/v1/buses/default/rules/outage/targets');
    assert.ok(st.json.items.every((x) => x.health === 'failing'), JSON.stringify(st.json));

    rx = await startReceiver(() => ({ status: 200 }), port);
    // The other half arrive while the backlog drains.
    for (let w = WAVES / 2; w < WAVES; w++) await put(w);
    const total = WAVES * PER_WAVE;
    // Checked on every request, so counted incrementally.
    const seen = { '/plain': new Set<string>(), '/fifo': new Set<string>() } as Record<string, Set<string>>;
    let counted = 0;
    await rx.until('every event on both targets', (rs) => {
      for (; counted < rs.length; counted++) seen[rs[counted]!.url]?.add(String(rs[counted]!.headers['ce-id']));
      return seen['/plain']!.size === total && seen['/fifo']!.size === total;
    }, 60_000);

    const byGroup = new Map<string, Received[]>();
    for (const r of rx.requests.filter((x) => x.url === '/fifo')) {
      const g = String(r.headers['ce-partitionkey']);
      byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
    }
    assert.equal(byGroup.size, GROUPS);
    for (const [g, rs] of byGroup) {
      const seqs = rs.map((r) => seqOf.get(String(r.headers['ce-id']))!);
      for (let k = 1; k < seqs.length; k++) assert.ok(seqs[k]! >= seqs[k - 1]!, `group ${g} in bus order`);
    }
    const dups = rx.requests.length - 2 * total;
    process.stdout.write(`delivery outage: ${total} events × 2 targets delivered after the outage, ${dups} duplicate request(s)\n`);
  } finally {
    await t.close();
    await rx?.close();
  }
});
