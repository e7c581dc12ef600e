// `switchyard dead-letters list|get|redrive|purge` against a real server (in process: the
// command's own program over real HTTP, output captured).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ce } from './_client.js';
import { runCli } from './_cli-in-process.js';
import { startTestServer } from './harness.js';
import { FAST_RETRY, deadLetters, putEvents, putRule, startReceiver, untilFinal } from './_delivery-receiver.js';

test('dead-letters cli - list as a table and JSON, get in full, redrive by id, purge by filter; a missing selection is a usage error', async () => {
  let accept = false;
  const rx = await startReceiver(() => (accept ? { status: 200 } : { status: 400, body: 'nope' }));
  const t = await startTestServer();
  try {
    await putRule(t.url, 'default', 'cli', { filter: { pattern: { type: ['cli'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, retry: FAST_RETRY }] });
    await putEvents(t.url, 'default', [ce('k1', { type: 'cli' }), ce('k2', { type: 'cli' })]);
    await untilFinal(t.url, 'default', 'k1', 'dead');
    await untilFinal(t.url, 'default', 'k2', 'dead');
    const [d1, d2] = await deadLetters(t.url, 'rule=cli');

    const table = await runCli(t.url, ['dead-letters', 'list', '--rule', 'cli']);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /│ id/);
    assert.match(table.out, /k1/);
    assert.match(table.out, /not retryable: http 400/);
    const json = await runCli(t.url, ['dead-letters', 'list', '--rule', 'cli', '--json']);
    assert.deepEqual((JSON.parse(json.out) as { items: { eventId: string }[] }).items.map((d) => d.eventId), ['k1', 'k2']);

    const got = await runCli(t.url, ['dead-letters', 'get', String(d1!.id)]);
    assert.equal(got.code, 0, got.err);
    assert.match(got.out, /attempts:/);
    assert.match(got.out, /nope/);
    assert.match(got.out, /"id": "k1"/);

    const usage = await runCli(t.url, ['dead-letters', 'redrive']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /exactly one/);

    accept = true;
    const rd = await runCli(t.url, ['dead-letters', 'redrive', String(d1!.id)]);
    assert.equal(rd.code, 0, rd.err);
    assert.equal(rd.out, 'redriven 1 dead letter(s)\n');
    await untilFinal(t.url, 'default', 'k1', 'delivered');

    const purged = await runCli(t.url, ['dead-letters', 'purge', '--rule', 'cli', '--json']);
    assert.deepEqual(JSON.parse(purged.out), { purged: 1 });
    const missing = await runCli(t.url, ['dead-letters', 'get', String(d2!.id)]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /SWY_DELIVERY_DEAD_LETTER_NOT_FOUND|no dead letter/);
  } finally {
    await t.close();
    await rx.close();
  }
});
