// The data directory of child servers: one server per directory (an exclusive lock the kernel
// drops when the holder dies), and the directory and its files private to the server's user.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BATCH, call, ce, until } from './_client.js';
import { freePort, spawnSwitchyard, startChild, tempDataDir, type ChildServer } from './_child.js';

test('data dir - a second server on a directory a live server holds exits 2 with one line naming the directory and its pid; after a SIGKILL of the holder the directory starts at once', async (t) => {
  const dir = tempDataDir();
  const running: ChildServer[] = [];
  t.after(async () => {
    for (const c of running) {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const first = await startChild(dir);
  running.push(first);
  const put = await call(first.url, '/v1/buses/default/events', { body: JSON.stringify([ce('kept')]), headers: { 'content-type': BATCH } });
  assert.equal(put.status, 202, put.text);

  const port = await freePort();
  const second = spawnSwitchyard(['--port', String(port), '--data-dir', dir]);
  let exit: { code: number | null } | undefined;
  void second.exited.then((e) => { exit = e; });
  try {
    // Before the lock, the second server started and dispatched beside the first: it must exit instead.
    await until('the second server to exit', async () => {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200) throw new Error('the second server started on a directory in use');
      return exit !== undefined;
    }, 20_000);
  } finally {
    second.proc.kill('SIGKILL');
  }
  assert.equal(exit?.code, 2);
  assert.equal(second.stderr(), `switchyard: data directory ${path.resolve(dir)} is in use by another Switchyard process (pid ${first.proc.pid}); stop it or set another storage.dataDir\n`);
  assert.equal((await call(first.url, '/readyz')).status, 200, 'the holder is unaffected');

  first.proc.kill('SIGKILL');
  await first.exited;
  running.length = 0;
  const third = await startChild(dir);
  running.push(third);
  assert.equal((await call(third.url, '/v1/buses/default/events/kept')).status, 200);
});

test('data dir - the server creates its data directory 0700 and the database, WAL, lock and key files 0600', async (t) => {
  const parent = tempDataDir();
  const dir = path.join(parent, 'data');
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const c = await startChild(dir);
  try {
    const put = await call(c.url, '/v1/buses/default/events', { body: JSON.stringify([ce('one')]), headers: { 'content-type': BATCH } });
    assert.equal(put.status, 202, put.text);
    const mode = (f: string): string => (statSync(path.join(dir, f)).mode & 0o777).toString(8);
    assert.equal(mode('.'), '700');
    const files = readdirSync(dir).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
    for (const f of ['switchyard.db', 'switchyard.db-wal', 'switchyard.db-shm', 'switchyard.lock', 'switchyard.pid']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.deepEqual(files.map((f) => `${f} ${mode(f)}`), files.map((f) => `${f} 600`));
  } finally {
    c.proc.kill('SIGKILL');
    await c.exited;
  }
});
