// `switchyard dead-letters list|get|redrive|purge` against a real server (in process: the
// command's own program over real HTTP, output captured).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { Command } from 'commander';
import { runProgram } from '../../src/cli/index.js';
import { deadLettersCommand } from '../../src/cli/commands/dead-letters.js';
import { ce } from './_client.js';
import { startTestServer } from './harness.js';
import { FAST_RETRY, deadLetters, putEvents, putRule, startReceiver, untilFinal } from './_delivery-receiver.js';

async function cli(url: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
  stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
  const program = new Command().name('switchyard').exitOverride().configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  deadLettersCommand.register(program, { env: { SWITCHYARD_URL: url }, io: { stdin: new PassThrough(), stdout, stderr } });
  const code = await runProgram(program, ['node', 'switchyard', ...args], stderr);
  return { code, out, err };
}

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

    const table = await cli(t.url, ['dead-letters', 'list', '--rule', 'cli']);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /│ id/);
    assert.match(table.out, /k1/);
    assert.match(table.out, /not retryable: http 400/);
    const json = await cli(t.url, ['dead-letters', 'list', '--rule', 'cli', '--json']);
    assert.deepEqual((JSON.parse(json.out) as { items: { eventId: string }[] }).items.map((d) => d.eventId), ['k1', 'k2']);

    const got = await cli(t.url, ['dead-letters', 'get', String(d1!.id)]);
    assert.equal(got.code, 0, got.err);
    assert.match(got.out, /attempts:/);
    assert.match(got.out, /nope/);
    assert.match(got.out, /"id": "k1"/);

    const usage = await cli(t.url, ['dead-letters', 'redrive']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /exactly one/);

    accept = true;
    const rd = await cli(t.url, ['dead-letters', 'redrive', String(d1!.id)]);
    assert.equal(rd.code, 0, rd.err);
    assert.equal(rd.out, 'redriven 1 dead letter(s)\n');
    await untilFinal(t.url, 'default', 'k1', 'delivered');

    const purged = await cli(t.url, ['dead-letters', 'purge', '--rule', 'cli', '--json']);
    assert.deepEqual(JSON.parse(purged.out), { purged: 1 });
    const missing = await cli(t.url, ['dead-letters', 'get', String(d2!.id)]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /SWY_DELIVERY_DEAD_LETTER_NOT_FOUND|no dead letter/);
  } finally {
    await t.close();
    await rx.close();
  }
});
