// Crash safety (DESIGN §1 invariant): a child server is SIGKILLed in the middle of a load of
// concurrent puts in every mode; after a restart on the same data directory every event that
// got a 2xx is stored exactly once, sequences are gap-free, and nothing unknown appears.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { BATCH, STRUCTURED, call, ce, listAll } from './_client.js';
import { startChild, tempDataDir, type ChildServer } from './_child.js';

const BUS = 'crash';
const WORKERS = 24;
const KILL_AFTER_ACKS = 1500;

type Op = (url: string, ids: string[]) => Promise<string[]>;

/** Each op puts the given ids and returns the ones the server acknowledged (2xx). */
const ops: Op[] = [
  async (url, [id]) => {
    const a = await call(url, `/v1/buses/${BUS}/events`, { method: 'POST', body: JSON.stringify({ n: id }), headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id!, 'ce-source': 'urn:crash', 'ce-type': 'bin' } });
    return a.status === 202 ? [id!] : [];
  },
  async (url, [id]) => {
    const a = await call(url, `/v1/buses/${BUS}/events`, { body: JSON.stringify(ce(id!, { source: 'urn:crash', data: { n: id } })), headers: { 'content-type': STRUCTURED } });
    return a.status === 202 ? [id!] : [];
  },
  async (url, ids) => {
    const a = await call(url, `/v1/buses/${BUS}/events`, { body: JSON.stringify(ids.map((id) => ce(id, { source: 'urn:crash' }))), headers: { 'content-type': BATCH } });
    return a.status === 202 ? ids : [];
  },
  async (url, ids) => {
    const a = await call<{ results: ({ id: string } | { error: unknown })[] }>(url, '/v1/events', { json: { entries: ids.map((id) => ({ bus: BUS, ...ce(id, { source: 'urn:crash' }) })) } });
    return a.status === 200 ? a.json.results.flatMap((r) => ('id' in r ? [r.id] : [])) : [];
  },
];
const sizes = [1, 1, 20, 10];

const dataDir = tempDataDir();
let child: ChildServer | undefined;
after(() => {
  child?.proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

test('crash - after SIGKILL mid-load every acknowledged event is stored exactly once', async () => {
  child = await startChild(dataDir);
  const url = child.url;
  assert.equal((await call(url, '/v1/buses', { json: { name: BUS } })).status, 201);

  const acked = new Set<string>();
  const attempted = new Set<string>();
  let killed = false;
  let armed = false;
  let inFlightAtKill = 0;
  let inFlight = 0;

  const worker = async (w: number): Promise<void> => {
    for (let n = 0; ; n++) {
      const kind = (w + n) % ops.length;
      const ids = Array.from({ length: sizes[kind]! }, (_, i) => `w${w}-${n}-${i}`);
      for (const id of ids) attempted.add(id);
      inFlight++;
      try {
        for (const id of await ops[kind]!(url, ids)) acked.add(id);
      } catch {
        return; // the server is gone: this request is not acknowledged
      } finally {
        inFlight--;
      }
      if (killed) return;
      if (acked.size >= KILL_AFTER_ACKS && !armed) {
        // Kill at a moment not tied to an answer, so some commits land without their 2xx.
        armed = true;
        setTimeout(() => {
          killed = true;
          inFlightAtKill = inFlight;
          child!.proc.kill('SIGKILL');
        }, 2 + Math.random() * 20);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  const exit = await child.exited;
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(inFlightAtKill > 0, 'requests were in flight when the server was killed');
  assert.ok(acked.size >= KILL_AFTER_ACKS);

  child = await startChild(dataDir);
  const stored = await listAll(child.url, BUS);
  const ids = stored.map((e) => String(e.event['id']));
  const unique = new Set(ids);
  assert.equal(unique.size, ids.length, 'no event is stored twice');
  const missing = [...acked].filter((id) => !unique.has(id));
  assert.deepEqual(missing, [], 'every acknowledged event survives the crash');
  assert.deepEqual(ids.filter((id) => !attempted.has(id)), [], 'nothing unknown is stored');
  assert.deepEqual(stored.map((e) => e.sequence), stored.map((_, i) => i + 1), 'sequences are gap-free from 1');

  // The log goes on where it stopped, and dedupe remembers what was acknowledged before the crash.
  const again = await call<{ results: { sequence: number; duplicate?: boolean }[] }>(child.url, `/v1/buses/${BUS}/events`, {
    body: JSON.stringify([ce([...acked][0]!, { source: 'urn:crash' }), ce('after-restart', { source: 'urn:crash' })]),
    headers: { 'content-type': BATCH },
  });
  assert.equal(again.status, 202);
  assert.equal(again.json.results[0]!.duplicate, true);
  assert.equal(again.json.results[1]!.sequence, stored.length + 1);
  process.stdout.write(`# crash: ${acked.size} acknowledged, ${stored.length} stored (${stored.length - acked.size} unacknowledged but committed), ${inFlightAtKill} requests in flight at SIGKILL\n`);

  child.proc.kill('SIGTERM');
  assert.deepEqual(await child.exited, { code: 0, signal: null });
  child = undefined;
});
