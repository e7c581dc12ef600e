// Crash safety of replays (issue 16, docs/replay.md): a child server is SIGKILLed while a
// rate-limited replay of 5,000 events runs; after a restart on the same data directory the
// replay resumes after its cursor and completes, every event of the window reaches the target
// marked with the replay's id (none skipped), and the job enqueued exactly one delivery per event.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { BATCH, call, ce, until } from './_client.js';
import { startChild, tempDataDir, type ChildServer } from './_child.js';
import { putRule, startReceiver, type Receiver } from './_delivery-receiver.js';

const EVENTS = 5_000;
const PER_PUT = 500;
/** SIGKILL once the replay has read this many events. */
const KILL_AFTER = 1_500;

interface ReplayView { id: string; state: string; progress: { processed: number; total: number; enqueued: number } }

const dataDir = tempDataDir();
let child: ChildServer | undefined;
let rx: Receiver | undefined;
const kill = async (c: ChildServer): Promise<void> => {
  c.proc.kill('SIGKILL');
  await c.exited;
};
after(async () => {
  if (child !== undefined && child.proc.exitCode === null && child.proc.signalCode === null) await kill(child);
  await rx?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('replay crash - after SIGKILL mid-replay the replay resumes after its cursor: every event replayed, none skipped, one delivery each', async () => {
  rx = await startReceiver(() => ({ status: 200 }));
  const receiver = rx;
  const env = { SWITCHYARD_DELIVERY_POLL_INTERVAL_MS: '50' };
  child = await startChild(dataDir, env);
  const first = child;
  for (let p = 0; p < EVENTS / PER_PUT; p++) {
    const events = Array.from({ length: PER_PUT }, (_, i) => ce(`rc${p * PER_PUT + i}`, { type: 'replay-crash' }));
    const a = await call(first.url, '/v1/buses/default/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text);
  }
  // The rule comes after the events: only the replay delivers them.
  await putRule(first.url, 'default', 'rc', { filter: { pattern: { type: ['replay-crash'] } }, targets: [{ id: 'h', kind: 'http', url: `${receiver.url}/rc`, concurrency: 32 }] });
  const started = await call<ReplayView>(first.url, '/v1/buses/default/replays', { json: { from: 1, destination: { rule: 'rc' }, ratePerSecond: 1000 } });
  assert.equal(started.status, 202, started.text);
  const id = started.json.id;
  assert.equal(started.json.progress.total, EVENTS);
  let atKill: ReplayView | undefined;
  await until('replay under way', async () => {
    atKill = (await call<ReplayView>(first.url, `/v1/replays/${id}`)).json;
    return atKill.progress.processed >= KILL_AFTER;
  });
  await kill(first);
  assert.equal(atKill?.state, 'running', 'killed before the replay completed');
  assert.ok(atKill!.progress.processed < EVENTS);

  child = await startChild(dataDir, env);
  const second = child;
  let done: ReplayView | undefined;
  await until('replay completed after the restart', async () => {
    done = (await call<ReplayView>(second.url, `/v1/replays/${id}`)).json;
    return done.state === 'completed';
  }, 120_000);
  assert.equal(done!.progress.processed, EVENTS, 'every event of the window read once by the job');
  assert.equal(done!.progress.enqueued, EVENTS, 'one delivery per event: nothing enqueued twice across the crash');
  const seen = new Set<string>();
  let counted = 0;
  await receiver.until('every event replayed', (rs) => {
    for (; counted < rs.length; counted++) {
      if (rs[counted]!.headers['ce-swyreplay'] === id) seen.add(String(rs[counted]!.headers['ce-id']));
    }
    return seen.size === EVENTS;
  }, 120_000);
  const dups = receiver.requests.length - EVENTS;
  process.stdout.write(`replay crash: killed after ${atKill!.progress.processed} of ${EVENTS} events read; ${dups} duplicate deliveries (at-least-once) after the restart\n`);
});
