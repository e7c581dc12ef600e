// Three cluster nodes (separate `switchyard start` processes on one NATS JetStream and one
// PostgreSQL, issue 15): producers put through all three, a rule made through node 1 routes on
// nodes 2 and 3, and a random node is SIGKILLed under load and restarted, again and again. At the
// end every acknowledged event is in the log exactly once with gap-free sequences, every matched
// delivery reached the receiver at least once (duplicates counted and reported), and each FIFO
// group arrived in order. Kept short for CI: KILLS kills, one every KILL_EVERY_MS on average.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startReceiver, type Receiver } from '../e2e/_delivery-receiver.js';
import { dropAll, newNamespace, putOne, readAll, sleep, startNode, type Node } from './_cluster.js';

// CI runs the short form (5 kills, one every ~4 s); a long soak: CLUSTER_KILL_TEST_KILLS=100.
const KILLS = Math.max(5, Number(process.env.CLUSTER_KILL_TEST_KILLS ?? 5) || 5);
const KILL_EVERY_MS = 4000;
const PRODUCERS = 6;

const ns = newNamespace('three');
const nodes: (Node | undefined)[] = [];
let rx: Receiver | undefined;

after(async () => {
  await Promise.allSettled(nodes.map((n) => n?.kill()));
  await rx?.close();
  await dropAll(ns);
});

interface Delivered { id: string; target: string }

test('three nodes - acknowledged events survive SIGKILLs of random nodes: each logged once, gap-free, delivered at least once, FIFO groups in order', { timeout: 300_000 + KILLS * 20_000 }, async (t) => {
  rx = await startReceiver();
  const receiver = rx;
  for (let i = 0; i < 3; i++) nodes.push(await startNode(ns));
  const urls = (): string[] => nodes.map((n) => n?.url).filter((u): u is string => u !== undefined);

  // The rule is made through node 1: an unordered target and one ordered by subject (the group).
  const rule = {
    filter: { pattern: { type: ['test.order'] } },
    targets: [
      { id: 'plain', kind: 'http', url: `${receiver.url}/plain`, timeoutMs: 2000, retry: { maxAttempts: 185 } },
      { id: 'fifo', kind: 'http', url: `${receiver.url}/fifo`, timeoutMs: 2000, ordering: { groupBy: 'subject' }, retry: { maxAttempts: 185 } },
    ],
  };
  const res = await fetch(`${nodes[0]!.url}/v1/buses/default/rules/orders`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  assert.equal(res.status, 201, await res.text());

  // It routes on nodes 2 and 3 once their change feed brought it (within a second, on an idle
  // machine): a probe put through each is matched and delivered; an early probe may match nothing.
  for (const i of [1, 2]) {
    const started = Date.now();
    let matched = false;
    for (let n = 0; !matched; n++) {
      assert.ok(Date.now() - started < 10_000, `node ${i + 1} routes the rule made through node 1 within 10 s`);
      const out = await putOne(nodes[i]!.url, { specversion: '1.0', id: `probe-${i}-${n}`, source: 'urn:probe', type: 'test.order', subject: 'probe' });
      assert.equal(out.status, 202, JSON.stringify(out.body));
      const trace = await (await fetch(`${nodes[i]!.url}/v1/buses/default/events/probe-${i}-${n}/trace`)).json() as { rules: { matched: string[] } };
      matched = trace.rules.matched.includes('orders');
      if (!matched) await sleep(100);
      else await receiver.until(`probe through node ${i + 1} delivered`, (rs) => rs.some((r) => r.url === '/plain' && r.headers['ce-id'] === `probe-${i}-${n}`), 30_000);
    }
    t.diagnostic(`node ${i + 1} routed the rule ${Date.now() - started} ms after it was made through node 1 (at most)`);
  }

  const acked = new Map<string, number>();
  let refusals = 0;
  let stop = false;
  // Each producer is one FIFO group (its subject) and waits for each answer before the next
  // event; a failed put is retried with the same id through the next node until acknowledged.
  const producer = async (k: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const id = `p${k}-${i}`;
      for (let attempt = 0; ; attempt++) {
        const list = urls();
        const url = list[(k + attempt) % list.length]!;
        const out = await putOne(url, { specversion: '1.0', id, source: 'urn:load', type: 'test.order', subject: `g${k}`, data: { k, i } });
        if (out.status === 202) {
          acked.set(id, (out.body as { results: { sequence: number }[] }).results[0]!.sequence);
          break;
        }
        refusals++;
        await sleep(50);
      }
    }
  };
  const producing = Array.from({ length: PRODUCERS }, (_, k) => producer(k));

  const killed: number[] = [];
  for (let n = 0; n < KILLS; n++) {
    await sleep(KILL_EVERY_MS * (0.5 + Math.random()));
    const victim = Math.floor(Math.random() * 3);
    killed.push(victim + 1);
    const node = nodes[victim]!;
    nodes[victim] = undefined;
    await node.kill();
    await sleep(300);
    nodes[victim] = await startNode(ns);
  }
  stop = true;
  await Promise.all(producing);
  t.diagnostic(`killed nodes ${killed.join(', ')}; ${acked.size} events acknowledged; ${refusals} puts refused or failed and retried`);
  assert.ok(acked.size > 0);

  // Every acknowledged event matched the rule: both targets get it, at least once.
  const expected = new Set(acked.keys());
  // Binary content mode: the event's id is the ce-id header.
  const delivered = (): Delivered[] => receiver.requests.map((r) => ({ id: String(r.headers['ce-id']), target: r.url.slice(1) }));
  await receiver.until('every acknowledged event delivered to both targets', () => {
    const seen = { plain: new Set<string>(), fifo: new Set<string>() };
    for (const d of delivered()) seen[d.target as 'plain' | 'fifo']?.add(d.id);
    for (const id of expected) if (!seen.plain.has(id) || !seen.fifo.has(id)) return false;
    return true;
  }, 120_000);

  // The log: each acknowledged event once, at the sequence it was acknowledged with; gap-free.
  const url = urls()[0]!;
  const log = await readAll(url);
  const byId = new Map<string, number[]>();
  for (const e of log) byId.set(e.id, [...(byId.get(e.id) ?? []), e.sequence]);
  for (const [id, seq] of acked) assert.deepEqual(byId.get(id), [seq], `event ${id} is in the log once, at its acknowledged sequence`);
  assert.deepEqual(log.map((e) => e.sequence), Array.from({ length: log.length }, (_, i) => i + 1), 'sequences are gap-free from 1');
  const nc = await connect({ servers: ns.nats });
  try {
    const state = (await (await jetstreamManager(nc)).streams.info(`${ns.streamPrefix}_b_default`)).state;
    assert.deepEqual([state.first_seq, state.last_seq, state.messages], [1, log.length, log.length], 'the stream holds exactly the indexed events');
  } finally {
    await nc.close();
  }

  // FIFO: per group, first deliveries in put order (a redelivery repeats an earlier one).
  const firsts = new Map<string, number[]>();
  const seenFifo = new Set<string>();
  let duplicates = 0;
  const seenPlain = new Set<string>();
  for (const d of delivered()) {
    const set = d.target === 'fifo' ? seenFifo : seenPlain;
    if (set.has(d.id)) {
      duplicates++;
      continue;
    }
    set.add(d.id);
    const m = /^p(\d+)-(\d+)$/.exec(d.id);
    if (d.target === 'fifo' && m !== null) firsts.set(m[1]!, [...(firsts.get(m[1]!) ?? []), Number(m[2])]);
  }
  for (const [k, order] of firsts) assert.deepEqual(order, [...order].sort((a, b) => a - b), `FIFO group g${k} delivered in order`);
  t.diagnostic(`${receiver.requests.length} deliveries received, ${duplicates} duplicates (at-least-once redeliveries)`);
});
