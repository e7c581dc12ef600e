// A cluster node refuses to start, with one line naming the engine and its address (exit code 2),
// when NATS or PostgreSQL cannot be reached (issue 15).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, spawnSwitchyard, tempDataDir } from '../e2e/_child.js';
import { clusterEnv, dropAll, newNamespace } from './_cluster.js';

for (const engine of ['nats', 'postgres'] as const) {
  test(`cluster node - refuses to start when ${engine === 'nats' ? 'NATS' : 'PostgreSQL'} is unreachable`, { timeout: 60_000 }, async () => {
    const closed = await freePort();
    const ns = newNamespace('refuse', engine === 'nats' ? { nats: `nats://127.0.0.1:${closed}` } : { postgres: `postgres://postgres@127.0.0.1:${closed}/postgres` });
    try {
      const port = await freePort();
      const c = spawnSwitchyard(['--port', String(port), '--data-dir', tempDataDir()], clusterEnv(ns, { SWITCHYARD_STORAGE_CONNECT_TIMEOUT_MS: '1000' }));
      const { code } = await c.exited;
      assert.equal(code, 2, c.stderr());
      const name = engine === 'nats' ? 'NATS JetStream' : 'PostgreSQL';
      assert.match(c.stderr(), new RegExp(`SWY_STORE_ENGINE_UNREACHABLE|${name} at .*127\\.0\\.0\\.1:${closed}.* is unreachable`));
      assert.match(c.stderr(), new RegExp(`${name} at \\S*127\\.0\\.0\\.1:${closed}`));
    } finally {
      if (engine === 'postgres') await dropAll({ ...ns, postgres: 'postgres://postgres@127.0.0.1:5432/postgres' });
    }
  });
}
