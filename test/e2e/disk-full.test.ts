// A full disk, for real: a child server's data directory on a 20 MiB tmpfs is filled by puts of
// ~4 KB events until the store refuses them. The server must answer 503 problem+json and store
// nothing of a refused put, keep serving reads, say so on /readyz, retry its background writers
// (the full-text indexer's timer flush, its start-up catch-up, delivery writes) without ever
// exiting, start again on the still-full disk, and recover once space is back. Needs root (the
// tmpfs mount); skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { assertProblem, BATCH, call, ce, until } from './_client.js';
import { freePort, spawnSwitchyard } from './_child.js';
import { putRule, startReceiver } from './_delivery-receiver.js';

const MiB = 1024 * 1024;
const PER_PUT = 20;

interface LogLine { level: number; msg: string; writer?: string }

interface Child {
  readonly url: string;
  exitCode(): number | null | undefined;
  log(): LogLine[];
  stderr(): string;
  kill(): Promise<void>;
}

/** `switchyard start` on `dataDir` (log level info, JSON lines); resolves once /readyz answers 200. */
async function start(dataDir: string, env: Record<string, string> = {}): Promise<Child> {
  const port = await freePort();
  const c = spawnSwitchyard(['--port', String(port), '--data-dir', dataDir], { SWITCHYARD_LOG_LEVEL: 'info', SWITCHYARD_DELIVERY_POLL_INTERVAL_MS: '50', ...env });
  let exit: { code: number | null } | undefined;
  void c.exited.then((e) => { exit = e; });
  const url = `http://127.0.0.1:${port}`;
  await until('the child to be ready', async () => {
    if (exit !== undefined) throw new Error(`child exited (${exit.code}) before ready: ${c.stderr()}`);
    return (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200;
  }, 20_000);
  return {
    url,
    exitCode: () => exit?.code,
    log: () => c.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine),
    stderr: c.stderr,
    kill: async () => {
      c.proc.kill('SIGKILL');
      await c.exited;
    },
  };
}

/** Why this machine cannot run the test, or undefined. */
function cannotMount(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting the 20 MiB tmpfs (mount -t tmpfs) needs root; run the suite as root';
  return undefined;
}

/** A batch of ~4 KB events whose payloads are distinct words (so indexing them needs space too). */
function batch(tag: string): Record<string, unknown>[] {
  return Array.from({ length: PER_PUT }, (_, j) => ce(`${tag}-${j}`, {
    type: 'fill',
    data: { text: Array.from({ length: 360 }, (_, k) => `${tag}w${j}x${k}`).join(' ') },
  }));
}

const put = (url: string, events: Record<string, unknown>[]): ReturnType<typeof call> =>
  call(url, '/v1/buses/default/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } });

/**
 * Puts batches until one is refused with 503. On a full disk a put may still fit in WAL space
 * SQLite already holds (after a checkpoint it reuses the file), so the first one can succeed.
 */
async function putUntilRefused(url: string, tag: string): Promise<void> {
  for (let i = 0; ; i++) {
    assert.ok(i < 50, 'puts kept succeeding on a full disk');
    const a = await put(url, batch(`${tag}${i}`));
    if (a.status === 202) continue;
    assertProblem(a, 503, 'SWY_INGEST_STORE_FAILED');
    return;
  }
}

const readyz = async (url: string): Promise<{ status: number; body: unknown }> => {
  const a = await call(url, '/readyz');
  return { status: a.status, body: a.json };
};

/** Fills the file system: a file grown until the kernel answers ENOSPC. */
function plug(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [256 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Lines "store writes failing" / "recovered" of one writer. */
const stateLines = (c: Child, writer: string): string[] => c.log().filter((l) => l.writer === writer && /^store writes (failing|recovered)/.test(l.msg)).map((l) => l.msg.split(';')[0]!);

test('disk full - puts answer 503 and store nothing, reads and /readyz keep answering, background writers retry, nothing exits; it starts on a full disk and recovers when space is back', async (t) => {
  const why = cannotMount();
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  // Deliveries are leased and completed while the disk fills (the dispatcher's writes fail too).
  const rx = await startReceiver(() => ({ status: 200 }));
  const mnt = mkdtempSync(path.join(tmpdir(), 'swy-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mnt]);
  const children: Child[] = [];
  t.after(async () => {
    for (const c of children) await c.kill();
    await rx.close();
    execFileSync('umount', [mnt]);
    rmdirSync(mnt);
  });
  const dataDir = path.join(mnt, 'data');
  // Room set aside before the store fills the rest: freed later to let puts through again.
  const reserve = path.join(mnt, 'reserve');
  const reserveSmall = path.join(mnt, 'reserve-small');
  writeFileSync(reserve, Buffer.alloc(6 * MiB, 1));
  writeFileSync(reserveSmall, Buffer.alloc(4 * MiB, 1));

  // The index takes appended events 10 s after their commit (not 100 ms), so that step 3 can fill
  // the disk between a put's commit and the index's timer flush even on a busy machine.
  const first = await start(dataDir, { SWITCHYARD_STORAGE_FULL_TEXT_FLUSH_MS: '10000' });
  children.push(first);
  await putRule(first.url, 'default', 'fill', { filter: { pattern: { type: ['fill'] } }, targets: [{ id: 'rx', kind: 'http', url: `${rx.url}/in` }] });

  // 1. Fill the disk with puts until one is refused.
  const acked: string[] = [];
  let refused: string[] = [];
  for (let i = 0; refused.length === 0; i++) {
    assert.ok(i < 2000, 'the disk never filled');
    const events = batch(`a${i}`);
    const a = await put(first.url, events);
    if (a.status === 202) acked.push(...events.map((e) => e.id as string));
    else {
      assertProblem(a, 503, 'SWY_INGEST_STORE_FAILED');
      refused = events.map((e) => e.id as string);
    }
  }
  assert.ok(acked.length > 0);
  assert.deepEqual(await readyz(first.url), { status: 503, body: { status: 'store-unwritable' } }, '/readyz says puts fail');
  for (let i = 0; i < 3; i++) {
    const events = batch(`b${i}`);
    assertProblem(await put(first.url, events), 503, 'SWY_INGEST_STORE_FAILED');
    refused.push(...events.map((e) => e.id as string));
    assert.equal((await readyz(first.url)).status, 503);
  }

  // 2. Reads keep working; a refused put stored nothing.
  assert.equal((await call(first.url, `/v1/buses/default/events/${acked[0]}`)).status, 200);
  assert.equal((await call(first.url, `/v1/buses/default/events/${acked[acked.length - 1]}`)).status, 200);
  assert.equal((await call(first.url, '/v1/buses/default/events?limit=5')).status, 200);
  assert.equal((await call(first.url, '/v1/buses/default/events?q=a0w0x0')).status, 200);
  for (const id of [refused[0], refused[PER_PUT - 1], refused[refused.length - 1]]) {
    assert.equal((await call(first.url, `/v1/buses/default/events/${id}`)).status, 404, `refused ${id} is not stored`);
  }

  // 3. The indexer's timer flush meets the full disk: let one put through (its events wait for the
  //    flush 10 s after the commit), then fill the disk to the last byte at once.
  rmSync(reserveSmall);
  const pending = batch('p');
  assert.equal((await put(first.url, pending)).status, 202);
  plug(path.join(mnt, 'plug'));
  await until('the indexer to report the full disk', () => {
    if (first.exitCode() !== undefined) throw new Error(`server exited (${first.exitCode()}): ${first.stderr()}`);
    return stateLines(first, 'full-text index').includes('store writes failing');
  });
  await putUntilRefused(first.url, 'c');
  assert.equal((await readyz(first.url)).status, 503);
  assert.equal((await call(first.url, `/v1/buses/default/events/${pending[0]!.id as string}`)).status, 200, 'the put before the plug is stored');
  const early = await call<{ items: unknown[] }>(first.url, '/v1/buses/default/events?q=pw3x7');
  assert.deepEqual([early.status, early.json.items], [200, []], 'a text search answers from what is indexed; the put before the plug is not');
  assert.equal(first.exitCode(), undefined, 'the server is still running');

  // 4. Killed on the full disk, it starts again: reads work, the index catch-up waits for space.
  await first.kill();
  const second = await start(dataDir);
  children.push(second);
  await until('the catch-up to report the full disk', () => stateLines(second, 'full-text index').includes('store writes failing'));
  assert.equal((await call(second.url, `/v1/buses/default/events/${acked[0]}`)).status, 200);
  assert.equal((await call(second.url, `/v1/buses/default/events/${pending[0]!.id as string}`)).status, 200);
  await putUntilRefused(second.url, 'd');
  assert.deepEqual(await readyz(second.url), { status: 503, body: { status: 'store-unwritable' } });
  const rule = await call(second.url, '/v1/buses/default/rules/later', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } } } });
  assertProblem(rule, 503, 'SWY_STORE_UNAVAILABLE'); // any other write: 503 as well, not 500

  // 5. Space is back: /readyz turns 200 without a put (the free-space probe), puts succeed, and the
  //    indexer's retry indexes what was waiting.
  rmSync(path.join(mnt, 'plug'));
  rmSync(reserve);
  await until('/readyz to answer 200 again', async () => (await readyz(second.url)).status === 200, 40_000);
  const after = batch('e');
  assert.equal((await put(second.url, after)).status, 202);
  await until('the indexer to recover', () => stateLines(second, 'full-text index').includes('store writes recovered'), 40_000);
  const found = await call<{ items: { event: { id: string } }[] }>(second.url, `/v1/buses/default/events?q=${encodeURIComponent('pw3x7')}`);
  assert.deepEqual(found.json.items.map((e) => e.event.id), [pending[3]!.id]);
  assert.deepEqual(stateLines(second, 'full-text index'), ['store writes failing', 'store writes recovered'], 'logged once per change of state, not per retry');
  assert.equal(second.exitCode(), undefined);
  assert.equal(second.stderr(), '', 'nothing on stderr');
});
