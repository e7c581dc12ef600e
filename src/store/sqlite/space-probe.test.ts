import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPEND_WRITER, WriteHealth } from '../write-health.js';
import { sqliteStorageFault } from './storage-fault.js';
import { SpaceProbe } from './space-probe.js';

test('space probe - while the put path fails it probes with backoff, and clears it once the bytes can be written', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'swy-probe-'));
  const dir = path.join(root, 'data'); // missing at first: every probe write fails
  try {
    const health = new WriteHealth({ classify: sqliteStorageFault });
    const probe = new SpaceProbe(health, dir, 256 * 1024, { minMs: 1, maxMs: 4 });
    const recovered = new Promise<string>((resolve) => health.onChange((w, f) => { if (f === undefined) resolve(w); }));
    health.failed(APPEND_WRITER, Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }));
    assert.equal(health.failing(APPEND_WRITER)?.code, 'SQLITE_FULL');
    mkdirSync(dir);
    assert.equal(await recovered, APPEND_WRITER);
    assert.equal(health.failing(), undefined);
    assert.deepEqual(readdirSync(dir), [], 'the scratch file is removed');
    probe.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
