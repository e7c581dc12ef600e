// The `switchyard` CLI as a user runs it: a child process (`node dist/cli/main.js`,
// stdin piped) against a real server on port 0. Covers every client command, its table and
// --json output, input from flags, files and stdin, and the exit codes (0 done, 1 failed or no
// match, 2 usage error). `switchyard start` config errors are covered by lifecycle.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLIENT_COMMANDS } from '../../src/cli/index.js';
import { cliArgs, freePort, repoRoot, spawnSwitchyard, tempDataDir } from './_child.js';
import { startTestServer, type TestServer } from './harness.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI once; `stdin` is piped in and closed (empty when not given). */
function cli(args: readonly string[], opts: { url?: string; stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, SWITCHYARD_URL: opts.url, SWITCHYARD_API_KEY: undefined, ...opts.env };
  const proc = spawn(process.execPath, cliArgs(args), { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  proc.stdin.end(opts.stdin ?? '');
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Asserts the exit code, showing both streams when it is not the expected one. */
function exits(r: Run, code: number): Run {
  assert.equal(r.code, code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** The rows of a cli-table3 table (header first), cells trimmed. */
function tableRows(out: string): string[][] {
  return out.split('\n').filter((l) => l.startsWith('│')).map((l) => l.slice(1, -1).split('│').map((c) => c.trim()));
}

describe('cli e2e', () => {
  let s: TestServer;
  let dir: string;
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const run = (args: readonly string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> => cli(args, { url: s.url, ...opts });

  before(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'swy-cli-'));
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('cli - --help lists start and every client command; --version prints the package version', async () => {
    const [help, version] = await Promise.all([cli(['--help']), cli(['--version'])]);
    exits(help, 0);
    for (const name of ['start', ...CLIENT_COMMANDS.map((c) => c.name)]) assert.match(help.stdout, new RegExp(`^  ${name}\\b`, 'm'), `--help lists ${name}`);
    assert.match(exits(version, 0).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('cli - put from flags, from a file (an array goes as a batch) and from stdin', async () => {
    const flags = exits(await run(['put', '--bus', 'default', '--type', 'order.created', '--source', '/shop', '--id', 'f-1', '--subject', 'o/1', '--data', '{"total":42.5,"big":9007199254740993}', '--ext', 'tenant=acme']), 0);
    assert.deepEqual(tableRows(flags.stdout), [['id', 'source', 'sequence', 'duplicate'], ['f-1', '/shop', '1', '']]);

    const batch = file('batch.json', JSON.stringify([1, 2].map((n) => ({ specversion: '1.0', id: `b-${n}`, source: '/shop', type: 'order.paid', data: { n } }))));
    const fromFile = exits(await run(['put', batch, '--json']), 0);
    assert.deepEqual(JSON.parse(fromFile.stdout), { results: [{ id: 'b-1', source: '/shop', sequence: 2 }, { id: 'b-2', source: '/shop', sequence: 3 }] });

    const one = '{"specversion":"1.0","id":"s-1","source":"/pipe","type":"order.created"}';
    exits(await run(['put', '-'], { stdin: one }), 0);
    // The same (source, id) again: stored once, reported as a duplicate.
    const dup = exits(await run(['put', '--file', '-', '--json'], { stdin: one }), 0);
    assert.deepEqual(JSON.parse(dup.stdout), { results: [{ id: 's-1', source: '/pipe', sequence: 4, duplicate: true }] });

    const got = exits(await run(['events', 'get', 'f-1']), 0);
    assert.match(got.stdout, /"big": 9007199254740993/, 'number literals survive byte-exact');
    const event = JSON.parse(got.stdout) as { data: Record<string, unknown> };
    delete event.data.big;
    assert.deepEqual(event, { specversion: '1.0', id: 'f-1', source: '/shop', type: 'order.created', subject: 'o/1', tenant: 'acme', data: { total: 42.5 } });
  });

  test('cli - events list and get, as tables and as --json, with filters and pages', async () => {
    exits(await run(['buses', 'create', 'reads']), 0);
    const batch = file('reads.json', JSON.stringify([1, 2, 3].map((n) => ({ specversion: '1.0', id: `r-${n}`, source: '/r', type: n === 2 ? 't.even' : 't.odd', data: { n } }))));
    exits(await run(['put', batch, '-b', 'reads']), 0);

    const [table, json, odd, page, get, getJson, pattern, unmatched, badState] = await Promise.all([
      run(['events', 'list', '-b', 'reads']),
      run(['events', 'list', '--bus', 'reads', '--json']),
      run(['events', 'list', '--bus', 'reads', '--type', 't.odd', '--json']),
      run(['events', 'list', '--bus', 'reads', '--limit', '2', '--json']),
      run(['events', 'get', 'r-2', '--bus', 'reads']),
      run(['events', 'get', 'r-2', '--bus', 'reads', '--json']),
      run(['events', 'list', '--bus', 'reads', '--pattern', '{"data":{"n":[{"numeric":[">=",2]}]}}', '--json']),
      run(['events', 'list', '--bus', 'reads', '--state', 'unmatched', '--type', 't.even', '--json']),
      run(['events', 'list', '--bus', 'reads', '--state', 'lost']),
    ]);
    const rows = tableRows(exits(table, 0).stdout);
    assert.deepEqual(rows[0], ['sequence', 'id', 'type', 'source', 'subject', 'received', 'rules']);
    assert.deepEqual(rows.slice(1).map((r) => r.slice(0, 4)), [['1', 'r-1', 't.odd', '/r'], ['2', 'r-2', 't.even', '/r'], ['3', 'r-3', 't.odd', '/r']]);
    const items = (r: Run): string[] => (JSON.parse(exits(r, 0).stdout) as { items: { event: { id: string } }[] }).items.map((i) => i.event.id);
    assert.deepEqual(items(json), ['r-1', 'r-2', 'r-3']);
    assert.deepEqual(items(odd), ['r-1', 'r-3']);
    assert.deepEqual(items(page), ['r-1', 'r-2']);
    assert.deepEqual(items(pattern), ['r-2', 'r-3']);
    assert.deepEqual(items(unmatched), ['r-2']);
    assert.notEqual(badState.code, 0);
    assert.match(badState.stderr, /SWY_/);
    assert.equal((JSON.parse(page.stdout) as { next: number }).next, 2);
    assert.match(page.stderr, /more events: add --after 2/);
    const all = exits(await run(['events', 'list', '--bus', 'reads', '--limit', '1', '--all', '--json']), 0);
    assert.deepEqual(items(all), ['r-1', 'r-2', 'r-3']);
    assert.deepEqual(JSON.parse(exits(get, 0).stdout), { specversion: '1.0', id: 'r-2', source: '/r', type: 't.even', data: { n: 2 } });
    const view = JSON.parse(exits(getJson, 0).stdout) as { event: { id: string }; sequence: number; receivedAt: string };
    assert.equal(view.event.id, 'r-2');
    assert.equal(view.sequence, 2);
    assert.equal(typeof view.receivedAt, 'string');
  });

  test('cli - buses list, create with retention, delete', async () => {
    const created = exits(await run(['buses', 'create', 'orders', '--description', 'shop orders', '--max-age', '2d', '--max-count', '500', '--json']), 0);
    assert.deepEqual((JSON.parse(created.stdout) as { retention: unknown }).retention, { maxAgeMs: 2 * 86_400_000, maxCount: 500 });
    const list = exits(await run(['buses', 'list']), 0);
    const orders = tableRows(list.stdout).find((r) => r[0] === 'orders');
    assert.deepEqual(orders?.slice(0, 5), ['orders', 'shop orders', '0', '2d', '500']);
    assert.deepEqual(tableRows(list.stdout).find((r) => r[0] === 'default')?.slice(3, 5), ['7d', 'none'], 'the default retention reads in days');
    assert.equal(exits(await run(['buses', 'delete', 'orders']), 0).stdout, 'deleted bus orders\n');
    const names = (JSON.parse(exits(await run(['buses', 'list', '--json']), 0).stdout) as { items: { name: string }[] }).items.map((b) => b.name);
    assert.ok(!names.includes('orders'));
  });

  test('cli - rules put (YAML file, flags, stdin), list, get, disable, enable, delete', async () => {
    exits(await run(['buses', 'create', 'shop']), 0);
    const yaml = file('rule.yaml', [
      'name: big-orders', 'bus: shop', 'description: orders over 100', 'filter:', '  pattern:', '    type: [order.created]',
      '    data:', '      total: [{numeric: [">", 100]}]', 'targets:', '  - id: hook', '    kind: http', '    url: http://127.0.0.1:9/hook', '',
    ].join('\n'));
    assert.equal(exits(await run(['rules', 'put', '--file', yaml]), 0).stdout, 'rule big-orders created on bus shop (enabled, 1 target(s))\n');

    const pattern = file('paid.json', '{"type":["order.paid"]}');
    const targets = file('targets.json', '[{"id":"a","kind":"http","url":"http://127.0.0.1:9/a"},{"id":"b","kind":"http","url":"http://127.0.0.1:9/b"}]');
    exits(await run(['rules', 'put', 'paid', '-b', 'shop', '--pattern', pattern, '--targets', targets, '--description', 'paid orders']), 0);
    exits(await run(['rules', 'put', 'by-sql', '-b', 'shop', '--sql', "type LIKE 'order.%'", '--disabled']), 0);
    exits(await run(['rules', 'put', 'by-prefix', '--bus', 'shop', '--filters', '-'], { stdin: '[{"prefix":{"source":"/sh"}}]' }), 0);

    const list = tableRows(exits(await run(['rules', 'list', '-b', 'shop']), 0).stdout);
    assert.deepEqual(list[0], ['name', 'state', 'filter', 'targets', 'updated', 'description']);
    const byName = new Map(list.slice(1).map((r) => [r[0], r]));
    assert.deepEqual([...byName.keys()].sort(), ['big-orders', 'by-prefix', 'by-sql', 'paid']);
    assert.deepEqual(byName.get('big-orders')!.slice(1, 4), ['enabled', 'pattern', '1']);
    assert.deepEqual(byName.get('paid')!.slice(1, 4), ['enabled', 'pattern', '2']);
    assert.deepEqual(byName.get('by-sql')!.slice(1, 4), ['disabled', 'sql', '0']);
    assert.deepEqual(byName.get('by-prefix')!.slice(1, 4), ['enabled', 'filters', '0']);

    // What `rules get` prints can be put back as it is (read-only members are ignored).
    const got = exits(await run(['rules', 'get', 'big-orders', '--bus', 'shop']), 0);
    const rule = JSON.parse(got.stdout) as { filter: unknown; targets: unknown[]; description: string; state: string };
    assert.deepEqual(rule.filter, { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } });
    assert.equal(rule.description, 'orders over 100');
    const again = exits(await run(['rules', 'put', '-f', '-'], { stdin: got.stdout }), 0);
    assert.equal(again.stdout, 'rule big-orders replaced on bus shop (enabled, 1 target(s))\n');

    assert.equal(exits(await run(['rules', 'disable', 'big-orders', '-b', 'shop']), 0).stdout, 'rule big-orders on bus shop is disabled\n');
    const disabled = JSON.parse(exits(await run(['rules', 'get', 'big-orders', '-b', 'shop', '--json']), 0).stdout) as { state: string };
    assert.equal(disabled.state, 'disabled');
    const enabled = JSON.parse(exits(await run(['rules', 'enable', 'big-orders', '-b', 'shop', '--json']), 0).stdout) as { state: string };
    assert.equal(enabled.state, 'enabled');

    // Matching at ingest sees the rules the CLI put.
    exits(await run(['put', '-b', 'shop', '--type', 'order.created', '--source', '/shop', '--id', 'o-1', '--data', '{"total":250}']), 0);
    const stored = JSON.parse(exits(await run(['events', 'get', 'o-1', '-b', 'shop', '--json']), 0).stdout) as { matchedRules: string[] };
    assert.deepEqual([...stored.matchedRules].sort(), ['big-orders', 'by-prefix']);

    assert.equal(exits(await run(['rules', 'delete', 'paid', '-b', 'shop']), 0).stdout, 'rule paid deleted from bus shop\n');
    const left = JSON.parse(exits(await run(['rules', 'list', '-b', 'shop', '--json']), 0).stdout) as { items: { name: string }[] };
    assert.deepEqual(left.items.map((r) => r.name).sort(), ['big-orders', 'by-prefix', 'by-sql']);
    const gone = exits(await run(['rules', 'get', 'paid', '-b', 'shop']), 1);
    assert.match(gone.stderr, /^error SWY_API_RULE_NOT_FOUND: no rule "paid" on bus "shop"/);
  });

  test('cli - rules put refuses a bad command line with exit 2 before calling the server', async () => {
    const pattern = file('p.json', '{"type":["x"]}');
    const rule = file('r.json', '{"name":"r1","filter":{"sql":"TRUE"},"pattern":{}}');
    const runs = await Promise.all([
      run(['rules', 'put', 'r1']),
      run(['rules', 'put', '--pattern', pattern]),
      run(['rules', 'put', 'r1', '--pattern', pattern, '--sql', 'TRUE']),
      run(['rules', 'put', '--file', rule]),
      run(['rules', 'put', 'r2', '--file', file('r2.json', '{"name":"r1","filter":{"sql":"TRUE"}}')]),
      run(['rules', 'put', 'r1', '--pattern', path.join(dir, 'missing.json')]),
      run(['rules', 'put', 'r1', '--pattern', file('broken.json', '{"type":')]),
      run(['rules', 'get']),
    ]);
    const messages = [
      /rules put needs a filter/,
      /rules put needs the rule name/,
      /give one filter, not --pattern and --sql/,
      /unknown member\(s\) "pattern"/,
      /the rule name is "r2" on the command line but "r1" in --file/,
      /--pattern .*missing\.json: no such file/,
      /--pattern .*broken\.json is not valid JSON/,
      /missing required argument 'name'/,
    ];
    runs.forEach((r, i) => assert.match(exits(r, 2).stderr, messages[i]!));
  });

  test('cli - test-pattern prints match (exit 0) or the first failing condition (exit 1)', async () => {
    const pattern = file('big.json', '{"type":["order.created"],"data":{"total":[{"numeric":[">",100]}]}}');
    const patternYaml = file('big.yaml', 'type: [order.created]\ndata:\n  total: [{numeric: [">", 100]}]\n');
    const big = file('ev-big.json', '{"specversion":"1.0","id":"1","source":"/shop","type":"order.created","data":{"total":250}}');
    const small = '{"specversion":"1.0","id":"2","source":"/shop","type":"order.created","data":{"total":5}}';
    const [m1, m2, m3, n1, n2, n3, sqlNo] = await Promise.all([
      run(['test-pattern', '--pattern', pattern, '--event', big]),
      run(['test-pattern', '--pattern', patternYaml, '--event', big]),
      run(['test-pattern', '--pattern-text', '{"source":[{"prefix":"/sh"}]}'], { stdin: small }),
      run(['test-pattern', '-p', pattern, '--event-text', small]),
      run(['test-pattern', '--pattern', pattern, '--json'], { stdin: small }),
      run(['test-pattern', '--pattern', '-', '--event', big], { stdin: '{"subject":["a"]}' }),
      run(['test-pattern', '--sql', "type = 'order.paid'", '--event', big]),
    ]);
    for (const r of [m1, m2, m3]) assert.equal(exits(r, 0).stdout, 'match\n');
    assert.equal(exits(n1, 1).stdout, 'no match\n  path:     data.total\n  operator: numeric\n  expected: [{"numeric":[">",100]}]\n  actual:   5\n');
    assert.deepEqual(JSON.parse(exits(n2, 1).stdout), { match: false, reason: { path: 'data.total', operator: 'numeric', expected: [{ numeric: ['>', 100] }], actual: 5 } });
    assert.match(exits(n3, 1).stdout, /^no match\n {2}path: {5}subject\n {2}operator: exact\n {2}expected: \["a"\]\n {2}actual: {3}\(missing\)\n$/);
    assert.equal(exits(sqlNo, 1).stdout, `no match\n  path:     (the whole filter)\n  operator: sql\n  expected: "type = 'order.paid'"\n`);

    // A rule's own filter, by name.
    exits(await run(['rules', 'put', 'tp', '--pattern', pattern]), 0);
    const [byRule, byRuleNo] = await Promise.all([run(['test-pattern', '--rule', 'tp', '--event', big]), run(['test-pattern', '-r', 'tp', '--event-text', small])]);
    assert.equal(exits(byRule, 0).stdout, 'match\n');
    assert.match(exits(byRuleNo, 1).stdout, /^no match\n/);
  });

  test('cli - test-pattern errors: an invalid pattern is the server\'s 400, a bad command line exit 2', async () => {
    const [invalid, badText, noFilter, twoFilters, twoStdin] = await Promise.all([
      run(['test-pattern', '--pattern-text', '{"a":[{"numeric":["<"]}]}', '--event-text', '{}']),
      run(['test-pattern', '--pattern-text', '{"a":[1]}', '--event-text', '{"a":']),
      run(['test-pattern', '--event-text', '{}']),
      run(['test-pattern', '--sql', 'TRUE', '--pattern-text', '{}', '--event-text', '{}']),
      run(['test-pattern', '--pattern', '-', '--event', '-'], { stdin: '{}' }),
    ]);
    assert.match(exits(invalid, 1).stderr, /^error SWY_RULES_INVALID_PATTERN: .*\n {2}\/a\/0: value of < must be numeric\n/);
    assert.match(exits(badText, 1).stderr, /^error SWY_RULES_INVALID_EVENT_TEXT: .*\n {2}\/eventText: /);
    assert.match(exits(noFilter, 2).stderr, /give a filter: --pattern <file>/);
    assert.match(exits(twoFilters, 2).stderr, /give one filter, not --pattern-text and --sql|give one filter, not --sql and --pattern-text/);
    assert.match(exits(twoStdin, 2).stderr, /cannot both read stdin/);
  });

  test('cli - test-transform prints what a target would receive', async () => {
    const event = file('order.json', '{"specversion":"1.0","id":"o-9","source":"/shop","type":"order.created","data":{"order":{"id":9,"item":"tea \\"green\\""},"total":12.5}}');
    const template = file('slack.yaml', 'type: template\nvariables:\n  item: $.data.order.item\n  total: $.data.total\ntemplate: \'{"text": "Order: ${item}", "total": ${total}}\'\n');
    const [json, text, partial, answer, rule] = await Promise.all([
      run(['test-transform', '--transform', template, '--event', event]),
      run(['test-transform', '--transform-text', '{"type":"template","variables":{"t":"$.data.total"},"template":"total is ${t}"}', '--event', '-'], { stdin: readFileSync(event, 'utf8') }),
      run(['test-transform', '-x', file('partial.json', '{"type":"partial","path":"$.data.order"}'), '--event', event]),
      run(['test-transform', '--transform-text', '{"type":"constant","value":{"ok":true}}', '--event', event, '--json']),
      run(['test-transform', '--transform-text', '{"InputTransformer":{"InputPathsMap":{},"InputTemplate":"rule <aws.events.rule-name>"}}', '--event', event, '--rule-name', 'my-rule']),
    ]);
    assert.deepEqual(JSON.parse(exits(json, 0).stdout), { text: 'Order: tea "green"', total: 12.5 });
    assert.equal(exits(text, 0).stdout, 'total is 12.5\n');
    assert.deepEqual(JSON.parse(exits(partial, 0).stdout), { id: 9, item: 'tea "green"' });
    assert.deepEqual(JSON.parse(exits(answer, 0).stdout), { output: { ok: true }, contentType: 'application/json' });
    assert.equal(exits(rule, 0).stdout, 'rule my-rule\n');
  });

  test('cli - test-transform errors: a bad transformer is the server\'s 400 with its violations', async () => {
    const [bad, notJson, none] = await Promise.all([
      run(['test-transform', '--transform-text', '{"type":"partial","path":"$$x"}', '--event-text', '{}']),
      run(['test-transform', '--transform-text', '{"type":"complete"}', '--event-text', '{"a":1,}']),
      run(['test-transform', '--event-text', '{}']),
    ]);
    assert.match(exits(bad, 1).stderr, /^error SWY_TRANSFORM_INVALID: .*\n {2}\/transform\/path: invalid JSONPath "\$\$x"/);
    assert.match(exits(notJson, 2).stderr, /--event-text is not valid JSON/);
    assert.match(exits(none, 2).stderr, /give the transformer once/);
  });

  test('cli - a 4xx prints the problem code and every violation, exit 1', async () => {
    const bad = file('bad-event.json', '{"specversion":"0.3","id":"","type":7}');
    const [put, noBus, dupBus] = await Promise.all([
      run(['put', bad]),
      run(['events', 'list', '--bus', 'no-such-bus']),
      run(['buses', 'create', 'default']),
    ]);
    const lines = exits(put, 1).stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^error SWY_EVENT_INVALID: /);
    assert.ok(lines.length >= 4, put.stderr);
    for (const l of lines.slice(1)) assert.match(l, /^ {2}\/[a-z_]+: \S/);
    for (const p of ['/specversion', '/id', '/type', '/source']) assert.ok(lines.some((l) => l.startsWith(`  ${p}: `)), `violation at ${p}: ${put.stderr}`);
    assert.match(exits(noBus, 1).stderr, /^error SWY_STORE_BUS_NOT_FOUND: /);
    assert.match(exits(dupBus, 1).stderr, /^error SWY_[A-Z_]+: /);
    assert.equal(put.stdout + noBus.stdout + dupBus.stdout, '', 'nothing on stdout when a command fails');
  });

  test('cli - usage errors exit 2', async () => {
    const runs = await Promise.all([
      run(['no-such-command']),
      run(['events', 'list', '--no-such-flag']),
      run(['put', '--type', 't']),
      run(['put', '--type', 't', '--source', '/s', '--data', '{not json']),
      run(['buses', 'create', 'x', '--max-age', '10']),
      run(['put', '-'], { stdin: '' }),
      run(['events', 'list', '--url', 'ftp://127.0.0.1:1']),
    ]);
    const messages = [/unknown command 'no-such-command'/, /unknown option '--no-such-flag'/, /put needs --type and --source/, /--data is not valid JSON/, /--max-age "10" is not a duration/, /stdin is empty/, /must be http:\/\/ or https:\/\//];
    runs.forEach((r, i) => assert.match(exits(r, 2).stderr, messages[i]!));
  });

  test('cli - a server that is down is a clear message and exit 1', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const [flag, env] = await Promise.all([
      cli(['buses', 'list', '--url', down]),
      cli(['test-pattern', '--pattern-text', '{}', '--event-text', '{}'], { url: down }),
    ]);
    for (const r of [flag, env]) {
      assert.equal(exits(r, 1).stderr, `error: cannot reach Switchyard at ${down}: connection refused\n  is the server running? Start it with \`switchyard start\`, or point --url / SWITCHYARD_URL at it.\n`);
      assert.equal(r.stdout, '');
    }
  });
});

describe('cli e2e with API keys', () => {
  const ADMIN = 'cli-admin-key-0123456789abcdef';
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ auth: { apiKeys: { [ADMIN]: ['admin'] } } });
  });
  after(() => s.close());

  test('cli - --api-key / SWITCHYARD_API_KEY are sent as a bearer token; without one the 401 is reported', async () => {
    const [flag, env, none] = await Promise.all([
      cli(['buses', 'list', '--json', '--api-key', ADMIN], { url: s.url }),
      cli(['buses', 'list', '--json'], { url: s.url, env: { SWITCHYARD_API_KEY: ADMIN } }),
      cli(['buses', 'list'], { url: s.url }),
    ]);
    for (const r of [flag, env]) assert.ok((JSON.parse(exits(r, 0).stdout) as { items: { name: string }[] }).items.some((b) => b.name === 'default'));
    assert.match(exits(none, 1).stderr, /^error SWY_API_UNAUTHORIZED: /);
  });
});

test('cli - switchyard start ignores the client variables SWITCHYARD_URL and SWITCHYARD_API_KEY', async () => {
  const dataDir = tempDataDir();
  const c = spawnSwitchyard(['--port', '0', '--data-dir', dataDir], { SWITCHYARD_URL: 'http://127.0.0.1:1', SWITCHYARD_API_KEY: 'not-a-config-key', SWITCHYARD_LOG_LEVEL: 'info' });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      c.proc.stdout!.on('data', (chunk: Buffer | string) => {
        out += String(chunk);
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"switchyard ready"/.exec(out);
        if (m !== null) resolve(m[1]!);
      });
      void c.exited.then((e) => reject(new Error(`exited ${e.code} before ready: ${c.stderr()}`)));
    });
    const r = exits(await cli(['buses', 'list', '--json'], { url }), 0);
    assert.ok((JSON.parse(r.stdout) as { items: { name: string }[] }).items.some((b) => b.name === 'default'));
    c.proc.kill('SIGTERM');
    assert.equal((await c.exited).code, 0);
  } finally {
    c.proc.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
