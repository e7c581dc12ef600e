// `switchyard replays …` and `switchyard archives …` against a real server (in process: the
// commands' own programs over real HTTP, output captured).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ce, until } from './_client.js';
import { runCli } from './_cli-in-process.js';
import { startTestServer } from './harness.js';
import { putEvents, putRule, startReceiver } from './_delivery-receiver.js';

test('replays cli - start, get, list, pause, resume, cancel, resend; archives put, list, get, delete; usage errors', async () => {
  const rx = await startReceiver(() => ({ status: 200 }));
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'h', { filter: { pattern: { type: ['cli'] } }, targets: [{ id: 'a', kind: 'http', url: rx.url }] });
    const put = await runCli(t.url, ['archives', 'put', 'default', 'all', '--description', 'everything']);
    assert.equal(put.code, 0, put.err);
    assert.match(put.out, /archive default\/all saved \(retention forever\)/);
    await putEvents(t.url, 'default', Array.from({ length: 5 }, (_, i) => ce(`c${i}`, { type: 'cli' })));
    assert.match((await runCli(t.url, ['archives', 'list', 'default'])).out, /all .*every event/);
    assert.match((await runCli(t.url, ['archives', 'get', 'default', 'all'])).out, /events\s*│ 5/);

    const started = await runCli(t.url, ['replays', 'start', '--bus', 'default', '--from', '1', '--to', '5', '--rule', 'h', '--target', 'a', '--json']);
    assert.equal(started.code, 0, started.err);
    const id = (JSON.parse(started.out) as { id: string }).id;
    await until('completed', async () => /completed/.test((await runCli(t.url, ['replays', 'get', id])).out));
    const got = await runCli(t.url, ['replays', 'get', id]);
    assert.match(got.out, /progress\s*│ 5\/5/);
    assert.match((await runCli(t.url, ['replays', 'list', '--bus', 'default'])).out, new RegExp(id));
    await until('replayed', () => rx.requests.filter((r) => r.headers['ce-swyreplay'] === id).length === 5);

    const slow = JSON.parse((await runCli(t.url, ['replays', 'start', '--bus', 'default', '--from', '1', '--to-bus', 'default', '--rate', '0.5', '--json'])).out) as { id: string };
    assert.match((await runCli(t.url, ['replays', 'pause', slow.id])).out, /state\s*│ paused/);
    assert.match((await runCli(t.url, ['replays', 'resume', slow.id])).out, /state\s*│ running/);
    assert.match((await runCli(t.url, ['replays', 'cancel', slow.id])).out, /state\s*│ cancelled/);
    const again = await runCli(t.url, ['replays', 'cancel', slow.id]);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /SWY_REPLAY_STATE|cannot become/);

    const resent = await runCli(t.url, ['replays', 'resend', 'default', 'c3', '--rule', 'h']);
    assert.equal(resent.code, 0, resent.err);
    assert.match(resent.out, /kind\s*│ resend/);

    assert.notEqual((await runCli(t.url, ['replays', 'start', '--bus', 'default', '--from', '1'])).code, 0, 'no destination');
    assert.notEqual((await runCli(t.url, ['replays', 'get', 'not an id'])).code, 0);
    assert.notEqual((await runCli(t.url, ['archives', 'put', 'default', 'x', '--pattern', '{nope'])).code, 0);
    assert.match((await runCli(t.url, ['archives', 'delete', 'default', 'all'])).out, /deleted/);
  } finally {
    await t.close();
    await rx.close();
  }
});
