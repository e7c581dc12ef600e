// `switchyard tx …` and `switchyard put --transaction / --deliver-at` against a real server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call } from './_client.js';
import { runCli } from './_cli-in-process.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

test('tx cli - begin, put --transaction, get, commit: the held events reach the bus in put order', async () => {
  const b = await runCli(t.url, ['tx', 'begin', '--json']);
  assert.equal(b.code, 0, b.err);
  const id = (JSON.parse(b.out) as { id: string }).id;
  for (const n of ['1', '2']) {
    const p = await runCli(t.url, ['put', '--transaction', id, '--type', 't', '--source', 'urn:cli', '--id', `cli${n}`]);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, new RegExp(id));
  }
  assert.equal((await call(t.url, '/v1/buses/default/events/cli1')).status, 404, 'held, not readable');
  const g = await runCli(t.url, ['tx', 'get', id]);
  assert.match(g.out, /state\s*│\s*open/);
  assert.match(g.out, /events\s*│\s*2 /);
  const l = await runCli(t.url, ['tx', 'list', '--state', 'open']);
  assert.match(l.out, new RegExp(id));
  const c = await runCli(t.url, ['tx', 'commit', id]);
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /committed/);
  assert.match(c.out, /cli1[\s\S]*cli2/);
  assert.equal((await call(t.url, '/v1/buses/default/events/cli2')).status, 200);
});

test('tx cli - rollback, and errors for an ended or unknown transaction', async () => {
  const id = (JSON.parse((await runCli(t.url, ['tx', 'begin', '--json'])).out) as { id: string }).id;
  assert.equal((await runCli(t.url, ['tx', 'rollback', id])).code, 0);
  const again = await runCli(t.url, ['tx', 'commit', id]);
  assert.notEqual(again.code, 0);
  assert.match(again.err, /SWY_INGEST_TX_CLOSED/);
  const unknown = await runCli(t.url, ['tx', 'get', 'tx_nope']);
  assert.match(unknown.err, /SWY_INGEST_TX_NOT_FOUND/);
  const bad = await runCli(t.url, ['tx', 'get', 'bad id']);
  assert.notEqual(bad.code, 0);
});

test('tx cli - put --deliver-at stores a delayed event', async () => {
  const at = new Date(Date.now() + 3_600_000).toISOString();
  const p = await runCli(t.url, ['put', '--type', 't', '--source', 'urn:cli', '--id', 'late1', '--deliver-at', at]);
  assert.equal(p.code, 0, p.err);
  const e = await call<{ deliverAt: string }>(t.url, '/v1/buses/default/events/late1');
  assert.equal(e.json.deliverAt, at);
});
