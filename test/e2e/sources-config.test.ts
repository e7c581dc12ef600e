// Event sources in configuration as code: exported with their settings (never status, counters
// or secrets), applied to an empty server, unchanged on a second apply, updated and pruned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { runCli } from './_cli-in-process.js';
import { call } from './_client.js';
import { startTestServer } from './harness.js';

test('config as code - sources: export → apply → no change; a changed mapping is an update; --prune deletes', async () => {
  const a = await startTestServer();
  const b = await startTestServer();
  try {
    await call(a.url, '/v1/buses', { json: { name: 'hooks' } });
    await call(a.url, '/v1/connections/gh', { method: 'PUT', json: { kind: 'hmac', secret: 'top-secret' } });
    await call(a.url, '/v1/sources/gh', { method: 'PUT', json: { kind: 'webhook', bus: 'hooks', verify: { kind: 'github', connection: 'gh' }, mapping: { preset: 'github' } } });
    await call(a.url, '/v1/sources/gh/webhook', { body: '{}', headers: { 'content-type': 'application/json' } });
    let r = await runCli(a.url, ['export', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /top-secret/);
    const doc = parseYaml(r.out) as { sources: Record<string, unknown>[] };
    assert.deepEqual(doc.sources, [{ name: 'gh', kind: 'webhook', bus: 'hooks', description: null, state: 'running', mapping: { preset: 'github' }, verify: { kind: 'github', connection: 'gh' } }]);
    const env = { SWITCHYARD_GH_SECRET: 'top-secret' };
    r = await runCli(b.url, ['apply', '-f', '-'], env, JSON.stringify(doc));
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /\+ source gh/);
    assert.equal((await call<{ verify: unknown }>(b.url, '/v1/sources/gh')).json.verify !== undefined, true);
    r = await runCli(b.url, ['diff', '-f', '-', '--exit-code'], env, JSON.stringify(doc));
    assert.equal(r.code, 0, r.out + r.err);
    const changed = { ...doc, sources: [{ ...doc.sources[0], mapping: { preset: 'github', subject: { value: 'x' } } }] };
    r = await runCli(b.url, ['diff', '-f', '-', '--exit-code'], env, JSON.stringify(changed));
    assert.equal(r.code, 3);
    assert.match(r.out, /~ source gh \(mapping\)/);
    r = await runCli(b.url, ['apply', '-f', '-', '--prune'], env, JSON.stringify({ ...doc, sources: [] }));
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /- source gh/);
    assert.equal((await call(b.url, '/v1/sources/gh')).status, 404);
  } finally {
    await a.close();
    await b.close();
  }
});
