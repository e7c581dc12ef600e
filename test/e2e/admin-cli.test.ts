// `switchyard connections …`, `targets …` and `schemas settings` against a real server (in
// process: the CLI's own program over real HTTP, output captured).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from './_cli-in-process.js';
import { call, ce } from './_client.js';
import { startTestServer } from './harness.js';
import { putEvents, putRule, startReceiver } from './_delivery-receiver.js';

test('admin cli - connections put from YAML with ${env:…} secrets, get masked, list, delete; hostile input is refused', async () => {
  const t = await startTestServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-admin-cli-'));
  try {
    const file = path.join(dir, 'crm.yaml');
    writeFileSync(file, 'kind: basic\nusername: svc\npassword: ${env:CRM_PASSWORD}\ndescription: costs $${env:NOT_EXPANDED}\n');
    let r = await runCli(t.url, ['connections', 'put', 'crm', file], { CRM_PASSWORD: 'hunter2' });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'created connection crm (basic)\n');
    r = await runCli(t.url, ['connections', 'get', 'crm', '--json']);
    const got = JSON.parse(r.out) as Record<string, unknown>;
    assert.equal(got.password, '***');
    assert.equal(got.description, 'costs ${env:NOT_EXPANDED}');
    r = await runCli(t.url, ['connections', 'list']);
    assert.match(r.out, /crm .*basic .*username=svc/);
    assert.doesNotMatch(r.out, /hunter2/);

    // The secret never left the server again, and an unset variable stops before any request.
    r = await runCli(t.url, ['connections', 'put', 'other', file]);
    assert.equal(r.code, 2);
    assert.match(r.err, /\/password: environment variable CRM_PASSWORD is not set/);
    assert.equal((await call(t.url, '/v1/connections/other')).status, 404);
    // The server's own checks, one entry per violation, exit 1.
    r = await runCli(t.url, ['connections', 'put', 'bad', '-'], {}, '{"kind":"basic","username":"a\\nb","extra":1}');
    assert.equal(r.code, 1);
    assert.match(r.err, /SWY_/);
    assert.match(r.err, /\/username/);
    assert.match(r.err, /\/extra/);

    r = await runCli(t.url, ['connections', 'delete', 'crm']);
    assert.equal(r.out, 'deleted connection crm\n');
    r = await runCli(t.url, ['connections', 'get', 'crm']);
    assert.equal(r.code, 1);
    assert.match(r.err, /SWY_DELIVERY_CONNECTION_NOT_FOUND/);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('admin cli - targets list shows state and queue counts; signing secrets listed and rotated with an overlap; enable', async () => {
  const rx = await startReceiver(() => ({ status: 204 }));
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'hooked', { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
    let r = await runCli(t.url, ['targets', 'list', 'default', 'hooked']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /│ h .*│ http .*│ enabled .*│ healthy .*│ closed/);
    assert.match(r.out, /pending/);

    r = await runCli(t.url, ['targets', 'secrets', 'default', 'hooked', 'h', '--json']);
    const before = (JSON.parse(r.out) as { items: { secret: string }[] }).items;
    assert.equal(before.length, 1);
    assert.match(before[0]!.secret, /^whsec_/);
    r = await runCli(t.url, ['targets', 'rotate-secret', 'default', 'hooked', 'h', '--overlap', '1h']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^rotated: the new secret signs now; the previous ones stay valid for 1h\n/);
    r = await runCli(t.url, ['targets', 'secrets', 'default', 'hooked', 'h', '--json']);
    const after = (JSON.parse(r.out) as { items: { secret: string; expiresAt: string | null }[] }).items;
    assert.equal(after.length, 2);
    assert.equal(after[1]!.secret, before[0]!.secret, 'the previous secret is still listed');
    assert.notEqual(after[1]!.expiresAt, null, 'and expires');

    r = await runCli(t.url, ['targets', 'rotate-secret', 'default', 'hooked', 'h', '--overlap', 'soon']);
    assert.equal(r.code, 2);
    r = await runCli(t.url, ['targets', 'rotate-secret', 'default', 'hooked', 'h', '--secret', 'not-a-secret']);
    assert.equal(r.code, 1);
    assert.match(r.err, /\/body\/secret|secret/);
    r = await runCli(t.url, ['targets', 'enable', 'default', 'hooked', 'h']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /│ h /);
    r = await runCli(t.url, ['targets', 'list', 'default', 'nope']);
    assert.equal(r.code, 1);
    assert.match(r.err, /SWY_API_RULE_NOT_FOUND/);
  } finally {
    await t.close();
    await rx.close();
  }
});

test('admin cli - schemas settings shows a bus’s validation and discovery and changes them', async () => {
  const t = await startTestServer();
  try {
    let r = await runCli(t.url, ['schemas', 'settings', 'default']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /│ default .*│ off /);
    r = await runCli(t.url, ['schemas', 'settings', 'default', '--validation', 'warn', '--discovery', 'on', '--sample-rate', '0.5', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { bus: 'default', validation: 'warn', discovery: true, sampleRate: 0.5 });
    for (const bad of [['--validation', 'strict'], ['--discovery', 'yes'], ['--sample-rate', '0'], ['--sample-rate', 'NaN'], ['--sample-rate', '']]) {
      r = await runCli(t.url, ['schemas', 'settings', 'default', ...bad]);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.err}`);
    }
    r = await runCli(t.url, ['schemas', 'settings', 'no-such-bus']);
    assert.equal(r.code, 1);
  } finally {
    await t.close();
  }
});

test('admin cli - buses update changes only what the flags give; none lifts a limit; no flag is a usage error', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses', { json: { name: 'orders', description: 'old', retention: { maxAgeMs: 3_600_000, maxCount: 100 } } });
    let r = await runCli(t.url, ['buses', 'update', 'orders', '--description', 'new', '--max-count', 'none', '--json']);
    assert.equal(r.code, 0, r.err);
    const b = JSON.parse(r.out) as { description: string; retention: unknown };
    assert.deepEqual([b.description, b.retention], ['new', { maxAgeMs: 3_600_000, maxCount: null }]);
    r = await runCli(t.url, ['buses', 'update', 'orders', '--no-description', '--max-age', '2h']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /orders .*│ *│ .*2h/);
    assert.equal((await call<{ description: unknown }>(t.url, '/v1/buses/orders')).json.description, null);
    r = await runCli(t.url, ['buses', 'update', 'orders']);
    assert.equal(r.code, 2);
    r = await runCli(t.url, ['buses', 'update', 'orders', '--max-age', '10s']);
    assert.equal(r.code, 1, 'the server refuses a retention under a minute');
    r = await runCli(t.url, ['buses', 'update', 'nope', '--description', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.err, /SWY_STORE_BUS_NOT_FOUND/);
  } finally {
    await t.close();
  }
});

test('admin cli - catalog lists every (source, type) seen with its count, filters by prefix and pages with the printed cursor', async () => {
  const t = await startTestServer();
  try {
    await putEvents(t.url, 'default', [ce('c1', { type: 'shop.order' }), ce('c2', { type: 'shop.order' }), ce('c3', { type: 'shop.paid' }), ce('c4', { type: 'other' })]);
    let r = await runCli(t.url, ['catalog', '--type', 'shop.']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /│ default .*│ urn:e2e .*│ shop\.order .*│ 2 /);
    assert.match(r.out, /│ shop\.paid .*│ 1 /);
    assert.doesNotMatch(r.out, /other/);
    r = await runCli(t.url, ['catalog', '--limit', '1']);
    const cursor = /more: --after (\S+)/.exec(r.out)?.[1];
    assert.ok(cursor !== undefined, r.out);
    r = await runCli(t.url, ['catalog', '--limit', '1', '--after', cursor, '--json']);
    assert.equal((JSON.parse(r.out) as { items: unknown[] }).items.length, 1);
    assert.equal((await runCli(t.url, ['catalog', '--limit', '0'])).code, 2);
    r = await runCli(t.url, ['catalog', '--after', '!!']);
    assert.equal(r.code, 1);
  } finally {
    await t.close();
  }
});
