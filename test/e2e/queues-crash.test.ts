// Crash safety of pull queues (issue 16, docs/queues.md): a child server is SIGKILLed while
// consumers run receive/ack cycles. After a restart on the same data directory an event that
// was received and not acknowledged comes back only once its lock has ended (locks are held by
// consumers, not the server), an acknowledged one never comes back, and every event is
// eventually acknowledged.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { BATCH, call, ce } from './_client.js';
import { startChild, tempDataDir, type ChildServer } from './_child.js';

const EVENTS = 2_000;
const PER_PUT = 500;
const CONSUMERS = 4;
// Longer than a restart takes on a loaded machine, so a lock ended by the restart would show.
const LOCK_MS = 8_000;
/** SIGKILL once this many events were acknowledged. */
const KILL_AFTER = 600;

interface Received { brokerProperties: { lockToken: string; lockedUntil: string }; event: { id: string } }

const dataDir = tempDataDir();
let child: ChildServer | undefined;
after(async () => {
  child?.proc.kill('SIGKILL');
  await child?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

const receive = async (url: string, max: number): Promise<Received[]> => {
  const a = await call<{ value: Received[] }>(url, '/v1/buses/default/queues/crash/receive', { json: { max, waitMs: 200 } });
  if (a.status !== 200) throw new Error(a.text);
  return a.json.value;
};
const ack = async (url: string, tokens: string[]): Promise<Set<string>> => {
  if (tokens.length === 0) return new Set();
  const a = await call<{ succeededLockTokens: string[] }>(url, '/v1/buses/default/queues/crash/acknowledge', { json: { lockTokens: tokens } });
  if (a.status !== 200) throw new Error(a.text);
  return new Set(a.json.succeededLockTokens);
};

test('queues crash - after SIGKILL mid receive/ack an unacked event comes back after its lock, an acked one never does', async () => {
  child = await startChild(dataDir);
  const first = child;
  const rule = await call(first.url, '/v1/buses/default/rules/crash', { method: 'PUT', json: {
    filter: { pattern: { type: ['crash'] } }, targets: [{ id: 'q', kind: 'queue', queue: 'crash', lockMs: LOCK_MS, maxReceives: 100 }],
  } });
  assert.ok(rule.status === 200 || rule.status === 201, rule.text);
  for (let p = 0; p < EVENTS / PER_PUT; p++) {
    const events = Array.from({ length: PER_PUT }, (_, i) => ce(`q${p * PER_PUT + i}`, { type: 'crash' }));
    const a = await call(first.url, '/v1/buses/default/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });
    assert.equal(a.status, 202, a.text);
  }

  const acked = new Set<string>();
  /** Received and not (known to be) acknowledged: the lock's end as the server gave it. */
  const held = new Map<string, number>();
  let killed = false;
  const cycle = async (n: number): Promise<void> => {
    while (!killed) {
      let got: Received[];
      try {
        got = await receive(first.url, 50);
      } catch {
        return;
      }
      for (const r of got) held.set(r.event.id, Date.parse(r.brokerProperties.lockedUntil));
      // Every 7th event is left unacknowledged: its lock must run out before it is seen again.
      const toAck = got.filter((r) => Number(r.event.id.slice(1)) % 7 !== n % 7);
      try {
        const ok = await ack(first.url, toAck.map((r) => r.brokerProperties.lockToken));
        for (const r of toAck) {
          if (!ok.has(r.brokerProperties.lockToken)) continue;
          acked.add(r.event.id);
          held.delete(r.event.id);
        }
      } catch {
        return;
      }
    }
  };
  const loops = Array.from({ length: CONSUMERS }, (_, n) => cycle(n));
  for (let i = 0; i < 600 && acked.size < KILL_AFTER; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(acked.size >= KILL_AFTER, `acks under way (${acked.size})`);
  first.proc.kill('SIGKILL');
  killed = true;
  await first.exited;
  await Promise.all(loops);
  const ackedAtKill = new Set(acked);
  assert.ok(ackedAtKill.size < EVENTS, 'killed with events still to acknowledge');

  child = await startChild(dataDir);
  const second = child;
  const backTooEarly: string[] = [];
  const ackedCameBack: string[] = [];
  for (let round = 0; acked.size < EVENTS && round < 2_000; round++) {
    const got = await receive(second.url, 100);
    // Handed out at or before this moment: if that is before its lock ended, it came back early.
    const answered = Date.now();
    for (const r of got) {
      const id = r.event.id;
      if (ackedAtKill.has(id)) ackedCameBack.push(id);
      const lockEnd = held.get(id);
      if (lockEnd !== undefined && answered < lockEnd) backTooEarly.push(`${id} (${lockEnd - answered} ms early)`);
    }
    // A receive can come back empty while the events left are still locked (their locks run out later).
    const ok = got.length === 0 ? new Set<string>() : await ack(second.url, got.map((r) => r.brokerProperties.lockToken));
    for (const r of got) {
      if (ok.has(r.brokerProperties.lockToken)) {
        acked.add(r.event.id);
        held.delete(r.event.id);
      }
    }
  }
  assert.deepEqual(ackedCameBack, [], 'an acknowledged event never comes back');
  assert.deepEqual(backTooEarly, [], 'an unacknowledged event comes back only after its lock');
  assert.equal(acked.size, EVENTS, 'every event acknowledged in the end');
  const q = await call<{ counts: { ready: number; locked: number; dead: number } }>(second.url, '/v1/buses/default/queues/crash');
  assert.deepEqual(q.json.counts, { ready: 0, locked: 0, dead: 0 });
  process.stdout.write(`queues crash: killed after ${ackedAtKill.size} of ${EVENTS} acks\n`);
});
