// `switchyard data export` then `switchyard data import` end to end: an embedded server's data directory
// moved into a cluster (the machine's NATS and PostgreSQL, an isolated namespace), then served by
// a cluster node with the same sequences and ids.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cliArgs, repoRoot, startChild, tempDataDir } from '../e2e/_child.js';
import { clusterEnv, dropAll, newNamespace, putOne, readAll, startNode } from './_cluster.js';

function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, cliArgs(args), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('cluster - export and import from the command line', () => {
  const ns = newNamespace('cxe');
  const dataDir = tempDataDir();
  after(async () => {
    await dropAll(ns);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('cluster - an embedded installation exported, imported and served by a node with the same sequences and ids', async () => {
    const embedded = await startChild(dataDir);
    for (const id of ['a', 'b', 'c']) assert.equal((await putOne(embedded.url, { specversion: '1.0', id, source: 'urn:e2e', type: 'x' })).status, 202);
    // A running server holds the directory: export refuses, naming it.
    const file = path.join(dataDir, '..', `${path.basename(dataDir)}.ndjson`);
    const refused = await cli(['data', 'export', '--data-dir', dataDir, '--out', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error SWY_STORE_DIR_LOCKED/);
    embedded.proc.kill('SIGTERM');
    await embedded.exited;

    const exported = await cli(['data', 'export', '--data-dir', dataDir, '--out', file]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /events: 3/);
    const key = readFileSync(path.join(dataDir, 'delivery-secret.key'), 'utf8').trim();
    const env = clusterEnv(ns, { SWITCHYARD_DELIVERY_SECRET_KEY: key });
    const imported = await cli(['data', 'import', '--in', file], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /events: 3/);
    // The same file again: everything is there already; nothing is written twice.
    const again = await cli(['data', 'import', '--in', file], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /3 event\(s\) were there already/);

    const node = await startNode(ns, { SWITCHYARD_DELIVERY_SECRET_KEY: key });
    try {
      assert.deepEqual(await readAll(node.url), [{ id: 'a', sequence: 1 }, { id: 'b', sequence: 2 }, { id: 'c', sequence: 3 }]);
      assert.equal((await putOne(node.url, { specversion: '1.0', id: 'd', source: 'urn:e2e', type: 'x' })).status, 202);
      assert.deepEqual((await readAll(node.url)).at(-1), { id: 'd', sequence: 4 });
    } finally {
      await node.stop();
    }
    rmSync(file, { force: true });
  });

  it('cluster - import of a file that is not an export names the line and exits 1', async () => {
    const r = await cli(['data', 'import', '--in', path.join(repoRoot, 'package.json')], clusterEnv(ns));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error SWY_STORE_DUMP_INVALID: line 1: /);
  });
});
