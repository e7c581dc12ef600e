// Engine faults (issue 15): a cluster node on a private nats-server and a private PostgreSQL,
// under a light load of puts. While NATS, then PostgreSQL, is stopped, puts answer 503 and
// /readyz 503 — never a 2xx for an event then lost; after each engine comes back the node
// recovers without a restart; every acknowledged event is in the log at the end.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startPrivateNats, startPrivatePostgres, type PrivateNats, type PrivatePostgres } from './_engines.js';
import { newNamespace, putOne, readAll, sleep, startNode, type Node } from './_cluster.js';

let nats: PrivateNats | undefined;
let pg: PrivatePostgres | undefined;
let node: Node | undefined;

after(async () => {
  await node?.kill();
  await nats?.remove();
  await pg?.remove();
});

const ready = async (url: string): Promise<number> => {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
};

async function until(what: string, pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await pred())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('engine faults - puts answer 503 while NATS or PostgreSQL is down, the node recovers by itself, nothing acknowledged is lost', { timeout: 240_000 }, async (t) => {
  nats = await startPrivateNats();
  pg = await startPrivatePostgres();
  const ns = newNamespace('fault', { nats: nats.url, postgres: pg.url });
  node = await startNode(ns);
  const url = node.url;

  const acked = new Set<string>();
  const statuses = new Map<number, number>();
  let stop = false;
  let n = 0;
  // One producer, one event at a time; a refused event is retried with the same id.
  const producing = (async () => {
    while (!stop) {
      const id = `ev-${n}`;
      const out = await putOne(url, { specversion: '1.0', id, source: 'urn:fault', type: 'test.fault' });
      statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
      if (out.status === 202) {
        acked.add(id);
        n++;
      }
      await sleep(out.status === 202 ? 20 : 100);
    }
  })();

  t.after(() => {
    if (stop) return;
    stop = true;
    t.diagnostic(`answers so far: ${JSON.stringify(Object.fromEntries(statuses))}; the node's log:\n${node?.child.stderr().slice(-4000) ?? ''}`);
  });
  for (const engine of [nats, pg]) {
    const name = engine === nats ? 'NATS' : 'PostgreSQL';
    await until(`puts acknowledged before stopping ${name}`, async () => acked.size >= n - 1 && statuses.get(202)! > 0);
    const before = statuses.get(503) ?? 0;
    await engine.stop();
    await until(`/readyz 503 while ${name} is down`, async () => (await ready(url)) === 503);
    await until(`a put answered 503 while ${name} is down`, async () => (statuses.get(503) ?? 0) > before);
    const ackedWhileDown = acked.size;
    await sleep(1000);
    t.diagnostic(`${name} down: ${acked.size - ackedWhileDown} puts acknowledged during a second of outage after the first 503`);
    await engine.start();
    await until(`/readyz 200 after ${name} is back`, async () => (await ready(url)) === 200, 60_000);
    const after = acked.size;
    await until(`puts acknowledged again after ${name} is back`, async () => acked.size > after + 3, 60_000);
  }
  stop = true;
  await producing;

  const other = [...statuses.keys()].filter((s) => s !== 202 && s !== 503);
  assert.deepEqual(other, [], `only 202 and 503 answers (got ${JSON.stringify([...statuses])})`);
  const log = new Set((await readAll(url)).map((e) => e.id));
  const lost = [...acked].filter((id) => !log.has(id));
  assert.deepEqual(lost, [], 'every acknowledged event is in the log');
  t.diagnostic(`${acked.size} events acknowledged; answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
});
