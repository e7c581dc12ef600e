// `switchyard queues …` and `switchyard consumers …` against a real server (in process: the
// commands' own program over real HTTP, output captured).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ce } from './_client.js';
import { runCli } from './_cli-in-process.js';
import { startTestServer } from './harness.js';
import { putEvents, putRule } from './_delivery-receiver.js';

test('queues cli - list, receive (tokens printed), ack, release, reject; a missing token is a usage error', async () => {
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'cli-q', { filter: { pattern: { type: ['cliq'] } }, targets: [{ id: 'q', kind: 'queue', queue: 'work' }] });
    await putEvents(t.url, 'default', [ce('w1', { type: 'cliq' }), ce('w2', { type: 'cliq' }), ce('w3', { type: 'cliq' })]);
    const listed = await runCli(t.url, ['queues', 'list']);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /work.*3.*0.*0.*cli-q\/q/s);
    const got = await runCli(t.url, ['queues', 'receive', 'work', '--max', '3', '--json']);
    assert.equal(got.code, 0, got.err);
    const tokens = (JSON.parse(got.out) as { value: { brokerProperties: { lockToken: string } }[] }).value.map((v) => v.brokerProperties.lockToken);
    assert.equal(tokens.length, 3);
    const ack = await runCli(t.url, ['queues', 'ack', 'work', tokens[0]!]);
    assert.match(ack.out, /acknowledge: 1 succeeded, 0 failed/);
    assert.match((await runCli(t.url, ['queues', 'reject', 'work', tokens[1]!, '--reason', 'nope'])).out, /reject: 1 succeeded/);
    assert.match((await runCli(t.url, ['queues', 'release', 'work', tokens[2]!, '--delay', '1s'])).out, /release: 1 succeeded/);
    assert.match((await runCli(t.url, ['queues', 'ack', 'work', tokens[0]!])).out, /SWY_QUEUE_LOCK_LOST/);
    const table = await runCli(t.url, ['queues', 'get', 'work']);
    assert.match(table.out, /dead\s*│\s*1/);
    const usage = await runCli(t.url, ['queues', 'ack', 'work']);
    assert.notEqual(usage.code, 0);
    const missing = await runCli(t.url, ['queues', 'receive', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /SWY_QUEUE_NOT_FOUND/);
  } finally {
    await t.close();
  }
});

test('consumers cli - create, fetch with commit, get the lag, reset, delete', async () => {
  const t = await startTestServer();
  try {
    await putEvents(t.url, 'default', [ce('s1', { type: 'a' }), ce('s2', { type: 'b' })]);
    const made = await runCli(t.url, ['consumers', 'create', 'reader', '--start', 'earliest', '--pattern', '{"type":["a"]}']);
    assert.equal(made.code, 0, made.err);
    const fetched = await runCli(t.url, ['consumers', 'fetch', 'reader', '--commit']);
    assert.equal(fetched.code, 0, fetched.err);
    assert.match(fetched.out, /s1/);
    assert.doesNotMatch(fetched.out, /s2/);
    assert.match(fetched.out, /offset to commit: 2 \(committed\)/);
    const got = await runCli(t.url, ['consumers', 'get', 'reader', '--json']);
    assert.deepEqual((({ offset, lag }) => [offset, lag])(JSON.parse(got.out) as { offset: number; lag: number }), [2, 0]);
    assert.match((await runCli(t.url, ['consumers', 'reset', 'reader', 'earliest'])).out, /reader/);
    assert.match((await runCli(t.url, ['consumers', 'list'])).out, /reader.*0.*2.*2/s);
    const bad = await runCli(t.url, ['consumers', 'reset', 'reader', 'whenever']);
    assert.notEqual(bad.code, 0);
    assert.match((await runCli(t.url, ['consumers', 'delete', 'reader'])).out, /deleted consumer reader/);
  } finally {
    await t.close();
  }
});
