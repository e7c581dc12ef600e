// `switchyard sources list|get|put|delete|pause|resume` against a real server (in process: the
// command's own program over real HTTP, output captured).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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

const cli = (args: string[], input = '', env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> => runCli(t.url, args, env, input);

test('sources cli - put from stdin, list with counters, pause and resume, get as JSON, delete', async () => {
  await call(t.url, '/v1/connections/hook', { method: 'PUT', json: { kind: 'hmac', secret: 's3cret' } });
  const put = await cli(['sources', 'put', 'hook', '-f', '-'], '{"kind":"webhook","bus":"${env:BUS}","verify":{"kind":"github","connection":"hook"}}', { BUS: 'default' });
  assert.equal(put.code, 0, put.err);
  assert.match(put.out, /created source hook \(webhook → bus default\); webhook at \/v1\/sources\/hook\/webhook/);
  const body = '{"zen":"hi"}';
  const sig = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
  assert.equal((await call(t.url, '/v1/sources/hook/webhook', { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig } })).status, 202);
  const list = await cli(['sources', 'list']);
  assert.match(list.out, /hook\W+webhook\W+default\W+running\W+1\W+1\W+0\W/);
  const paused = await cli(['sources', 'pause', 'hook']);
  assert.match(paused.out, /hook\W+webhook\W+default\W+paused/);
  assert.match((await cli(['sources', 'resume', 'hook'])).out, /running/);
  const get = await cli(['sources', 'get', 'hook']);
  assert.deepEqual((JSON.parse(get.out) as { verify: unknown }).verify, { kind: 'github', connection: 'hook' });
  assert.ok(!get.out.includes('s3cret'));
  const bad = await cli(['sources', 'put', 'x', '-f', '-'], '{"kind":"webhook","bus":"default"}');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /verify/);
  assert.match((await cli(['sources', 'delete', 'hook'])).out, /deleted source hook/);
  assert.notEqual((await cli(['sources', 'get', 'hook'])).code, 0);
});
