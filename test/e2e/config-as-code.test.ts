// Configuration as code: `switchyard export`, `diff` and `apply` against real servers (the CLI's
// own program in process, over real HTTP), and `start --apply` in a child process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { runCli } from './_cli-in-process.js';
import { call, until } from './_client.js';
import { freePort, spawnSwitchyard, tempDataDir } from './_child.js';
import { startTestServer } from './harness.js';

const order = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string' } } };

/** Gives a fresh server a bit of everything a document holds. */
async function seed(url: string): Promise<void> {
  await call(url, '/v1/buses', { json: { name: 'orders', description: 'shop orders', retention: { maxAgeMs: 3_600_000, maxCount: 500 } } });
  await call(url, '/v1/buses/orders/schema-settings', { method: 'PUT', json: { validation: 'warn', discovery: true, sampleRate: 0.5 } });
  await call(url, '/v1/connections/crm', { method: 'PUT', json: { kind: 'basic', username: 'svc', password: 'hunter2' } });
  await call(url, '/v1/buses/orders/rules/big', {
    method: 'PUT',
    json: { description: 'big orders', filter: { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } }, targets: [{ id: 'hook', kind: 'http', url: 'http://127.0.0.1:9/hook', connection: 'crm' }] },
  });
  await call(url, '/v1/buses/orders/rules/quiet', { method: 'PUT', json: { state: 'disabled', filter: { pattern: { source: ['a'] } }, targets: [{ id: 'log', kind: 'log' }] } });
  await call(url, '/v1/schemas/order.created/versions', { json: { schema: order } });
  await call(url, '/v1/schemas/order.created/versions', { json: { schema: { ...order, properties: { ...order.properties, note: { type: 'string' } } } } });
}

test('config as code - export → apply to an empty server → export again is identical; a second apply changes nothing; secrets never exported', async () => {
  const a = await startTestServer();
  const b = await startTestServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-cac-'));
  try {
    await seed(a.url);
    const file = path.join(dir, 'switchyard.yaml');
    let r = await runCli(a.url, ['export', '-o', file]);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /hunter2/);
    assert.match(text, /password: \$\{env:SWITCHYARD_CRM_PASSWORD\}/);
    const doc = parseYaml(text) as { buses: { name: string; rules: { name: string }[] }[]; schemas: { versions: unknown[] }[] };
    assert.deepEqual(doc.buses.find((x) => x.name === 'orders')!.rules.map((x) => x.name), ['big', 'quiet']);
    assert.equal(doc.schemas[0]!.versions.length, 2);

    // Without the secret's variable nothing is applied.
    r = await runCli(b.url, ['apply', '-f', file]);
    assert.equal(r.code, 2, `out: ${r.out} err: ${r.err}`);
    assert.match(r.err, /environment variable SWITCHYARD_CRM_PASSWORD is not set/);
    assert.equal((await call(b.url, '/v1/buses/orders')).status, 404);

    const env = { SWITCHYARD_CRM_PASSWORD: 'hunter2' };
    r = await runCli(b.url, ['diff', '-f', file, '--exit-code'], env);
    assert.equal(r.code, 3, r.err);
    assert.match(r.out, /^\+ connection crm\n\+ bus orders\n~ schema-settings orders/);
    r = await runCli(b.url, ['apply', '-f', file], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /applied \d+ change\(s\)\n$/);
    r = await runCli(b.url, ['export']);
    assert.equal(r.out, text, 'the second server exports the same document');
    r = await runCli(b.url, ['apply', '-f', file], env);
    assert.equal(r.out, 'no changes: the server matches the document\n');
    r = await runCli(b.url, ['diff', '-f', file, '--exit-code']);
    assert.equal(r.code, 0, r.out + r.err);
    const rule = await call<{ targets: { connection: string }[] }>(b.url, '/v1/buses/orders/rules/big');
    assert.equal(rule.json.targets[0]!.connection, 'crm');
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config as code - diff names changed fields; --prune deletes what the document lacks (never a built-in bus); dry run changes nothing; conflicts exit 1', async () => {
  const s = await startTestServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-cac-'));
  try {
    await seed(s.url);
    await call(s.url, '/v1/buses', { json: { name: 'scratch' } });
    const file = path.join(dir, 'c.yaml');
    const exported = (await runCli(s.url, ['export'])).out;
    const doc = parseYaml(exported) as { buses: { name: string; description?: string; rules: { name: string; filter: unknown; state: string }[] }[]; connections: unknown[]; schemas: { versions: { schema: unknown }[] }[] };
    const orders = doc.buses.find((x) => x.name === 'orders')!;
    orders.description = 'all shop orders';
    orders.rules = orders.rules.filter((x) => x.name === 'big');
    orders.rules[0]!.filter = { pattern: { type: ['order.created'] } };
    doc.buses = doc.buses.filter((x) => x.name !== 'scratch' && x.name !== 'default');
    doc.buses.push({ name: 'payments', rules: [] });
    writeFileSync(file, toYaml(doc));

    let r = await runCli(s.url, ['diff', '-f', file, '--prune']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '~ bus orders (description)\n+ bus payments\n~ rule orders/big (filter)\n- rule orders/quiet\n- bus scratch\n');
    r = await runCli(s.url, ['diff', '-f', file, '--json']);
    assert.deepEqual(JSON.parse(r.out), { changes: [{ op: 'update', kind: 'bus', name: 'orders', fields: ['description'] }, { op: 'create', kind: 'bus', name: 'payments' }, { op: 'update', kind: 'rule', name: 'orders/big', fields: ['filter'] }], conflicts: [] });

    r = await runCli(s.url, ['apply', '-f', file, '--prune', '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.equal((await call(s.url, '/v1/buses/scratch')).status, 200, 'a dry run deletes nothing');
    r = await runCli(s.url, ['apply', '-f', file, '--prune']);
    assert.equal(r.code, 0, r.err);
    assert.equal((await call(s.url, '/v1/buses/scratch')).status, 404);
    assert.equal((await call(s.url, '/v1/buses/default')).status, 200, 'the default bus is never pruned');
    assert.equal((await call(s.url, '/v1/buses/orders/rules/quiet')).status, 404);
    assert.equal((await call(s.url, '/v1/buses/payments')).status, 200);
    assert.equal((await call<{ description: string }>(s.url, '/v1/buses/orders')).json.description, 'all shop orders');
    r = await runCli(s.url, ['diff', '-f', file, '--prune', '--exit-code']);
    assert.equal(r.code, 0, r.out);

    // A registered schema version is immutable: a document that changes one is a conflict.
    doc.schemas[0]!.versions[0]!.schema = { type: 'string' };
    writeFileSync(file, toYaml(doc));
    r = await runCli(s.url, ['apply', '-f', file]);
    assert.equal(r.code, 1);
    assert.match(r.out + r.err, /conflict: order\.created version 1: differs from the registered version/);
    r = await runCli(s.url, ['diff', '-f', file]);
    assert.equal(r.code, 1);

    // Documents that are not configuration: every problem listed, exit 2.
    writeFileSync(file, toYaml({ buses: [{ rules: [{ name: 'x', state: 'on' }] }, { name: 'a' }, { name: 'a' }], extra: 1 }));
    r = await runCli(s.url, ['apply', '-f', file]);
    assert.equal(r.code, 2);
    for (const p of ['/extra: unknown field', '/buses/0/name: is required', '/buses/0/rules/0/state: must be enabled or disabled', '/buses/0/rules/0/targets: must be a list', '/buses/0/rules/0/filter: is required', '/buses/2/name: "a" appears twice']) assert.match(r.err, new RegExp(p.replace(/[/.*]/g, '\\$&')));
    r = await runCli(s.url, ['apply']);
    assert.equal(r.code, 2, 'no -f');
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config as code - start --apply FILE configures the new server; a document that cannot apply stops it with exit 1', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-cac-start-'));
  const good = path.join(dir, 'good.yaml');
  writeFileSync(good, toYaml({ version: 1, buses: [{ name: 'boot', rules: [{ name: 'r', filter: { pattern: { type: ['t'] } }, targets: [{ id: 'l', kind: 'log' }] }] }] }));
  const port = await freePort();
  const c = spawnSwitchyard(['--port', String(port), '--data-dir', tempDataDir(), '--apply', good]);
  try {
    const url = `http://127.0.0.1:${port}`;
    await until('the applied rule', async () => {
      try {
        return (await fetch(`${url}/v1/buses/boot/rules/r`)).status === 200;
      } catch {
        return false;
      }
    }, 120_000);
  } finally {
    c.proc.kill('SIGTERM');
    await c.exited;
  }
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, toYaml({ buses: [{ name: 'boot', rules: [{ name: 'r', filter: { pattern: { type: 'not-a-list' } }, targets: [] }] }] }));
  const d = spawnSwitchyard(['--port', String(await freePort()), '--data-dir', tempDataDir(), '--apply', bad]);
  const exit = await d.exited;
  assert.equal(exit.code, 1, d.stderr());
  assert.match(d.stderr(), /apply: failed at \+ rule boot\/r/);
  rmSync(dir, { recursive: true, force: true });
});
