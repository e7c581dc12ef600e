// `switchyard connections list|get|put|delete` against a real server (in process: the command's
// own program over real HTTP, output captured).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from './_cli-in-process.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

const cli = (args: string[], input = ''): Promise<{ code: number; out: string; err: string }> => runCli(t.url, args, {}, input);

test('connections cli - put from stdin, list, get masks the secret, delete', async () => {
  const put = await cli(['connections', 'put', 'robot', '-f', '-'], '{"kind":"hmac","secret":"top-secret-value","description":"dingtalk"}');
  assert.equal(put.code, 0, put.err);
  assert.match(put.out, /created connection robot/);
  const list = await cli(['connections', 'list']);
  assert.match(list.out, /robot\s.*hmac\s.*dingtalk/);
  const get = await cli(['connections', 'get', 'robot', '--json']);
  assert.equal((JSON.parse(get.out) as { secret: string }).secret, '***');
  assert.ok(!get.out.includes('top-secret-value'));
  const bad = await cli(['connections', 'put', 'x', '-f', '-'], '{"kind":"aws"}');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /accessKeyId/);
  assert.equal((await cli(['connections', 'delete', 'robot'])).code, 0);
});
