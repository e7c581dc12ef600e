// Delivery across a graceful stop: a send still in flight when the grace period ends is aborted
// and released (no attempt is charged), and the next start sends it again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { SwitchyardServer } from '../../src/server/index.js';
import { call, ce } from './_client.js';
import { putEvents, putRule, startReceiver, untilFinal } from './_delivery-receiver.js';

test('delivery lifecycle - stop aborts a send past shutdownGraceMs; after a restart it is delivered', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'swy-e2e-'));
  let hang = true;
  const rx = await startReceiver(() => (hang ? { hang: 30_000 } : { status: 200 }));
  const config = loadConfig({ overrides: { server: { port: 0 }, storage: { dataDir }, log: { level: 'silent' }, delivery: { shutdownGraceMs: 100 } } });
  let server = new SwitchyardServer(config);
  try {
    await server.start();
    await putRule(server.url, 'default', 'r', { filter: { pattern: { type: ['slow'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, timeoutMs: 60_000 }] });
    await putEvents(server.url, 'default', [ce('s1', { type: 'slow' })]);
    await rx.until('the send in flight', (r) => r.length === 1);
    await server.stop();

    hang = false;
    server = new SwitchyardServer(config);
    await server.start();
    const tr = await untilFinal(server.url, 'default', 's1', 'delivered');
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => [a.ok, a.status]), [[true, 200]], 'the aborted send was released, not recorded as a failure');
    assert.equal(rx.requests.length, 2);
    const st = await call<{ items: { health: string }[] }>(server.url, '/v1/buses/default/rules/r/targets');
    assert.equal(st.json.items[0]!.health, 'healthy');
  } finally {
    await server.stop();
    await rx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
