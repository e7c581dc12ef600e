// Target kinds end to end: bus (with hop-count loop protection), file (JSONL), http with a
// connection, and the SSRF guard refusing loopback when private networks are not allowed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { call, ce, listAll, until } from './_client.js';
import { startTestServer } from './harness.js';
import { createBus, deadLetters, putEvents, putRule, startReceiver, trace, untilFinal } from './_delivery-receiver.js';

test('delivery kinds - a bus target puts the event on another bus, where that bus\'s rules apply', async () => {
  const rx = await startReceiver();
  const t = await startTestServer();
  try {
    await createBus(t.url, 'orders');
    await putRule(t.url, 'default', 'fwd', { filter: { pattern: { type: ['order'] } }, targets: [{ id: 'b', kind: 'bus', bus: 'orders' }] });
    await putRule(t.url, 'orders', 'hook', { filter: { pattern: { type: ['order'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
    await putEvents(t.url, 'default', [ce('o1', { type: 'order', data: { total: 5 } })]);
    await rx.until('the event via the second bus', (r) => r.length === 1);
    assert.equal(rx.requests[0]!.headers['ce-id'], 'o1');
    assert.equal(rx.requests[0]!.headers['ce-swyhops'], '1', 'one hop so far');
    await untilFinal(t.url, 'orders', 'o1', 'delivered');
  } finally {
    await t.close();
    await rx.close();
  }
});

test('delivery kinds - a bus target\'s copies go through the target bus\'s put: a schema in enforce mode refuses one (dead letter with the code, not retried), the other arrives as forwarded by Switchyard', async () => {
  const t = await startTestServer();
  try {
    await createBus(t.url, 'orders');
    assert.equal((await call(t.url, '/v1/schemas/order/versions', { json: { schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } } } })).status, 201);
    assert.equal((await call(t.url, '/v1/buses/orders/schema-settings', { method: 'PUT', json: { validation: 'enforce' } })).status, 200);
    await putRule(t.url, 'default', 'fwd', { filter: { pattern: { type: ['order'] } }, targets: [{ id: 'b', kind: 'bus', bus: 'orders' }] });
    await putEvents(t.url, 'default', [ce('good', { type: 'order', data: { orderId: 'o-1' } })]);
    await putEvents(t.url, 'default', [ce('bad', { type: 'order', data: { total: 5 } })]);
    await untilFinal(t.url, 'default', 'good', 'delivered');
    const dead = (await untilFinal(t.url, 'default', 'bad', 'dead')).targets[0]!;
    assert.deepEqual(dead.attempts.map((a) => [a.ok, a.errorClass]), [[false, 'rejected']], 'refused by the target bus: not retried');
    assert.match(dead.attempts[0]!.message ?? '', /^SWY_SCHEMA_VALIDATION_FAILED: \/data\/orderId: is required$/);
    assert.deepEqual((await listAll(t.url, 'orders')).map((e) => e.event['id']), ['good']);
    const copy = await call<{ received: { client: string | null; mode: string } }>(t.url, '/v1/buses/orders/events/good/trace');
    assert.deepEqual([copy.json.received.client, copy.json.received.mode], ['switchyard', 'batch']);
  } finally {
    await t.close();
  }
});

test('delivery kinds - without dedupe, two buses forwarding to each other with 2 targets each: each copy visits each bus once, re-entry is skipped with the reason', async () => {
  // Without dedupe, a copy coming back to a bus would be stored again; only the visited path stops it.
  const t = await startTestServer({ ingest: { dedupeWindowMs: 0 } });
  try {
    await createBus(t.url, 'ping');
    await createBus(t.url, 'pong');
    await putRule(t.url, 'ping', 'to-pong', { filter: { pattern: { type: ['loop'] } }, targets: [{ id: 'a', kind: 'bus', bus: 'pong' }, { id: 'b', kind: 'bus', bus: 'pong' }] });
    await putRule(t.url, 'pong', 'to-ping', { filter: { pattern: { type: ['loop'] } }, targets: [{ id: 'a', kind: 'bus', bus: 'ping' }, { id: 'b', kind: 'bus', bus: 'ping' }] });
    await putEvents(t.url, 'ping', [ce('l1', { type: 'loop' })]);
    await untilFinal(t.url, 'ping', 'l1', 'delivered');
    const open = async (bus: string): Promise<number> => (await listAll(t.url, bus, 'state=pending')).length + (await listAll(t.url, bus, 'state=retrying')).length;
    await until('both copies on pong and every delivery done', async () => (await listAll(t.url, 'pong')).length === 2 && (await open('pong')) === 0 && (await open('ping')) === 0);
    const ping = await listAll(t.url, 'ping');
    const pong = await listAll(t.url, 'pong');
    // The original on ping, one copy per ping target on pong; none came back.
    assert.equal(ping.length, 1);
    assert.deepEqual(pong.map((e) => [e.event['swyhops'], e.event['swypath']]), [[1, 'ping'], [1, 'ping']]);
    assert.deepEqual(await deadLetters(t.url), []);
    const tr = await trace(t.url, 'pong', 'l1');
    assert.equal(tr.finalState, 'delivered');
    for (const target of tr.targets) {
      assert.equal(target.attempts.length, 1);
      assert.equal(target.attempts[0]!.ok, true);
      assert.match(target.attempts[0]!.message ?? '', /was not put on bus "ping": it was there already \(swypath ping,pong\); a rule loop/);
    }
  } finally {
    await t.close();
  }
});

test('delivery kinds - a chain of distinct buses stops after 8 hops: the 9th is a dead letter', async () => {
  const t = await startTestServer();
  try {
    const buses = Array.from({ length: 10 }, (_, i) => `b${i}`);
    for (const b of buses) await createBus(t.url, b);
    for (let i = 0; i < 9; i++) await putRule(t.url, buses[i]!, 'next', { filter: { pattern: { type: ['chain'] } }, targets: [{ id: 'b', kind: 'bus', bus: buses[i + 1]! }] });
    await putEvents(t.url, 'b0', [ce('c1', { type: 'chain' })]);
    let dead: Awaited<ReturnType<typeof deadLetters>> = [];
    await until('the chain to be cut', async () => {
      dead = await deadLetters(t.url, 'rule=next');
      return dead.length > 0;
    }, 10_000);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.bus, 'b8');
    assert.match(dead[0]!.lastError ?? '', /swyhops/);
    const last = await listAll(t.url, 'b8');
    assert.deepEqual(last.map((e) => [e.event['swyhops'], e.event['swypath']]), [[8, 'b0,b1,b2,b3,b4,b5,b6,b7']]);
    assert.deepEqual(await listAll(t.url, 'b9'), []);
  } finally {
    await t.close();
  }
});

test('delivery kinds - a file target appends one JSON line per event under delivery.fileDirectory', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-files-'));
  const t = await startTestServer({ delivery: { fileDirectory: dir } });
  try {
    await putRule(t.url, 'default', 'archive', {
      filter: { pattern: { type: ['archived'] } },
      targets: [{ id: 'f', kind: 'file', path: 'out/events.jsonl' }, { id: 'g', kind: 'file', path: 'out/data.jsonl', transform: { type: 'partial', path: '$.data' }, sendAs: 'body' }],
    });
    await putEvents(t.url, 'default', [1, 2, 3].map((n) => ce(`a${n}`, { type: 'archived', data: { n } })));
    const lines = (f: string): unknown[] => {
      try {
        return readFileSync(path.join(dir, 'out', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
      } catch {
        return [];
      }
    };
    await until('three lines in each file', () => lines('events.jsonl').length === 3 && lines('data.jsonl').length === 3);
    assert.deepEqual((lines('events.jsonl') as { id: string }[]).map((e) => e.id).sort(), ['a1', 'a2', 'a3']);
    assert.deepEqual((lines('data.jsonl') as { n: number }[]).map((d) => d.n).sort(), [1, 2, 3]);
    const bad = await call(t.url, '/v1/buses/default/rules/escape', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'f', kind: 'file', path: '../outside.jsonl' }] } });
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('delivery kinds - a file target through a symlinked directory is dead-lettered at once with the reason; nothing is written outside', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-files-'));
  const outside = mkdtempSync(path.join(tmpdir(), 'swy-outside-'));
  symlinkSync(outside, path.join(dir, 'escape'));
  const t = await startTestServer({ delivery: { fileDirectory: dir } });
  try {
    await putRule(t.url, 'default', 'archive', { filter: { pattern: { type: ['archived'] } }, targets: [{ id: 'f', kind: 'file', path: 'escape/events.jsonl', retry: { maxAttempts: 5 } }] });
    await putEvents(t.url, 'default', [ce('s1', { type: 'archived' })]);
    const tr = await untilFinal(t.url, 'default', 's1', 'dead');
    const attempts = tr.targets[0]!.attempts;
    assert.equal(attempts.length, 1, 'not retried');
    assert.equal(attempts[0]!.errorClass, 'blocked');
    assert.match(attempts[0]!.message ?? '', /"escape" is a symbolic link/);
    const dead = await deadLetters(t.url, 'rule=archive');
    assert.equal(dead.length, 1);
    assert.match(dead[0]!.lastError ?? '', /blocked: "escape" is a symbolic link/);
    assert.deepEqual(readdirSync(outside), []);
    // "." names no file: refused when the rule is saved.
    const dot = await call<{ code: string; violations: { path: string }[] }>(t.url, '/v1/buses/default/rules/dot', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets: [{ id: 'f', kind: 'file', path: '.' }] } });
    assert.equal(dot.status, 400);
    assert.deepEqual(dot.json.violations.map((v) => v.path), ['/targets/0/path']);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('delivery kinds - a receiver echoing the request headers in its 500 body: the dead letter keeps the excerpt without the connection\'s Authorization', async () => {
  const rx = await startReceiver((r) => ({ status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'boom', headers: r.headers }) }));
  const t = await startTestServer();
  try {
    assert.equal((await call(t.url, '/v1/connections/crm', { method: 'PUT', json: { kind: 'basic', username: 'switchyard', password: 'hunter2-secret' } })).status, 201);
    await putRule(t.url, 'default', 'echo', { filter: { pattern: { type: ['echo'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, connection: 'crm', retry: { maxAttempts: 0 } }] });
    await putEvents(t.url, 'default', [ce('e1', { type: 'echo' })]);
    await untilFinal(t.url, 'default', 'e1', 'dead');
    const sent = rx.requests[0]!.headers.authorization!;
    assert.equal(sent, `Basic ${Buffer.from('switchyard:hunter2-secret').toString('base64')}`);
    const [dl] = await deadLetters(t.url, 'rule=echo');
    const full = await call<{ attemptLog: { response: string | null }[] }>(t.url, `/v1/dead-letters/${dl!.id}`);
    const excerpt = full.json.attemptLog[0]!.response ?? '';
    assert.match(excerpt, /"error":"boom"/);
    assert.match(excerpt, /"authorization":"\[redacted\]"/);
    assert.ok(!full.text.includes(sent.slice(6)), full.text);
  } finally {
    await t.close();
    await rx.close();
  }
});

test('delivery kinds - an http target with an apiKey connection sends the key; the API never shows it', async () => {
  const rx = await startReceiver();
  const t = await startTestServer();
  try {
    const c = await call<Record<string, unknown>>(t.url, '/v1/connections/partner', { method: 'PUT', json: { kind: 'apiKey', in: 'header', keyName: 'x-api-key', value: 's3cret-value' } });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.value, '***');
    assert.equal(c.json.name, 'partner');
    assert.equal(c.json.keyName, 'x-api-key');
    // The old spelling (`name` for the header) is still taken; the answer and the list keep the connection's own name.
    const old = await call<Record<string, unknown>>(t.url, '/v1/connections/apik', { method: 'PUT', json: { kind: 'apiKey', in: 'header', name: 'X-Api-Key', value: 'v' } });
    assert.equal(old.status, 201, old.text);
    assert.deepEqual([old.json.name, old.json.keyName], ['apik', 'X-Api-Key']);
    const list = await call<{ items: Record<string, unknown>[] }>(t.url, '/v1/connections');
    assert.deepEqual(list.json.items.map((i) => [i.name, i.keyName]), [['apik', 'X-Api-Key'], ['partner', 'x-api-key']]);
    await putRule(t.url, 'default', 'authed', { filter: { pattern: { type: ['authed'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, connection: 'partner' }] });
    await putEvents(t.url, 'default', [ce('k1', { type: 'authed' })]);
    await rx.until('one delivery', (r) => r.length === 1);
    assert.equal(rx.requests[0]!.headers['x-api-key'], 's3cret-value');
    assert.doesNotMatch((await call(t.url, '/v1/connections/partner')).text, /s3cret/);
  } finally {
    await t.close();
    await rx.close();
  }
});

test('delivery kinds - with delivery.allowPrivateNetworks false, an http target on loopback is refused (blocked, not retried)', async () => {
  const rx = await startReceiver();
  const t = await startTestServer({ delivery: { allowPrivateNetworks: 'false' } });
  try {
    await putRule(t.url, 'default', 'ssrf', { filter: { pattern: { type: ['ssrf'] } }, targets: [{ id: 'h', kind: 'http', url: `${rx.url}/internal` }] });
    await putEvents(t.url, 'default', [ce('s1', { type: 'ssrf' })]);
    const tr = await untilFinal(t.url, 'default', 's1', 'dead');
    assert.deepEqual(tr.targets[0]!.attempts.map((a) => a.errorClass), ['blocked']);
    assert.match(tr.targets[0]!.attempts[0]!.message ?? '', /127\.0\.0\.1|loopback/);
    assert.equal(rx.requests.length, 0, 'nothing reached the loopback receiver');
  } finally {
    await t.close();
    await rx.close();
  }
});

test('delivery kinds - after a signing-secret rotation, deliveries carry a signature per valid secret; each verifies', async () => {
  const rx = await startReceiver();
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'signed', { filter: { pattern: { type: ['signed'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url }] });
    const base = '/v1/buses/default/rules/signed/targets/h/signing-secrets';
    const before = await call<{ items: { secret: string }[] }>(t.url, base);
    const rotated = await call<{ items: { secret: string; expiresAt: string | null }[] }>(t.url, `${base}/rotate`, { json: { overlapMs: 3_600_000 } });
    assert.equal(rotated.status, 200, rotated.text);
    const [fresh, old] = rotated.json.items;
    assert.equal(old!.secret, before.json.items[0]!.secret);
    assert.ok(old!.expiresAt !== null && fresh!.expiresAt === null);
    await putEvents(t.url, 'default', [ce('sg1', { type: 'signed', data: { x: 1 } })]);
    await rx.until('one delivery', (r) => r.length === 1);
    const r = rx.requests[0]!;
    const sigs = String(r.headers['webhook-signature']).split(' ');
    const sign = (secret: string): string => `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`).digest('base64')}`;
    assert.deepEqual(sigs.sort(), [sign(fresh!.secret), sign(old!.secret)].sort());
  } finally {
    await t.close();
    await rx.close();
  }
});
