// `switchyard schemas …` run as a real process against a real server (port 0), over the REST API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { startTestServer } from './harness.js';
import { call } from './_client.js';
import { cliArgs, repoRoot } from './_child.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI (dist/) with SWITCHYARD_URL pointing at `url`; `stdin` is piped when given. */
function cli(url: string, args: readonly string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_URL: url };
    delete env.SWITCHYARD_API_KEY;
    const c = spawn(process.execPath, cliArgs(args), { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
    c.stdin.end(stdin ?? '');
  });
}

const order = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['orderId', 'amount'],
  properties: { orderId: { type: 'string' }, amount: { type: 'number', minimum: 0 }, currency: { enum: ['EUR', 'USD'] } },
};

test('schemas cli - put from a file and stdin, list, get, versions, a compatibility check and codegen, against a real server', async () => {
  const t = await startTestServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-schemas-cli-'));
  try {
    const file = path.join(dir, 'order.json');
    writeFileSync(file, JSON.stringify(order, null, 2));

    let r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', file, '--compatibility', 'full', '--description', 'an order was placed']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'schema com.shop.order.created: registered version 1 (2020-12), dataschema urn:switchyard:schema:com.shop.order.created:1\n');
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', '-'], JSON.stringify(order));
    assert.equal(r.stdout, 'schema com.shop.order.created: unchanged, identical to version 1\n', r.stderr);

    // Removing a required field breaks FULL: --check reports it and registers nothing; put is refused.
    const removed = JSON.stringify({ ...order, required: ['orderId'] });
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', '--check'], removed);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error SWY_SCHEMA_INCOMPATIBLE: .*nothing was registered\n {2}\/required: forward: "amount" is required by the reader but optional or absent for the writer\n$/);
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created'], removed);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error SWY_SCHEMA_INCOMPATIBLE: /);
    assert.match(r.stderr, /\/required: forward: "amount" is required/);
    const added = JSON.stringify({ ...order, properties: { ...order.properties, note: { type: 'string' } } });
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', '--check'], added);
    assert.equal(r.code, 1, 'an open object gaining a constrained property is not FULL compatible');
    await call(t.url, '/v1/schemas/com.shop.order.created', { method: 'PUT', json: { compatibility: 'NONE' } });
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', '--check'], added);
    assert.deepEqual([r.code, r.stdout], [0, 'compatible (NONE) with version 1\n']);
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', '--file', '-', '--json'], added);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { version: number }).version, 2);

    // A scoped schema, in draft-07.
    r = await cli(t.url, ['schemas', 'put', 'com.shop.order.created', '--source', '/partner', '--dialect', 'draft-07'], '{"type":"object"}');
    assert.match(r.stdout, /^schema com\.shop\.order\.created \(source \/partner\): registered version 1 \(draft-07\)/, r.stderr);

    const out = path.join(dir, 'order.ts');
    const [list, listJson, versions, get1, getLatest, getScoped, code1, codeOut] = await Promise.all([
      cli(t.url, ['schemas', 'list']),
      cli(t.url, ['schemas', 'list', '--json']),
      cli(t.url, ['schemas', 'versions', 'com.shop.order.created']),
      cli(t.url, ['schemas', 'get', 'com.shop.order.created', '1']),
      cli(t.url, ['schemas', 'get', 'com.shop.order.created', '--json']),
      cli(t.url, ['schemas', 'get', 'com.shop.order.created', '--source', '/partner', '--json']),
      cli(t.url, ['schemas', 'codegen', 'com.shop.order.created', '1']),
      cli(t.url, ['schemas', 'codegen', 'com.shop.order.created', '--out', out]),
    ]);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.split('\n');
    assert.match(lines[1]!, /name\s+│\s+source\s+│\s+latest\s+│\s+compatibility\s+│\s+updated\s+│\s+description/);
    assert.ok(lines.some((l) => /com\.shop\.order\.created\s+│\s+│\s+2\s+│\s+NONE\s+│.*│\s+an order was placed/.test(l)), list.stdout);
    assert.ok(lines.some((l) => /com\.shop\.order\.created\s+│\s+\/partner\s+│\s+1\s+│\s+BACKWARD/.test(l)), list.stdout);
    assert.deepEqual((JSON.parse(listJson.stdout) as { items: { source: string | null }[] }).items.map((s) => s.source), [null, '/partner']);

    assert.equal(versions.code, 0, versions.stderr);
    assert.match(versions.stdout, /│ 1\s+│ 2020-12 │ api\s+│ urn:switchyard:schema:com\.shop\.order\.created:1 │/);
    assert.match(versions.stdout, /│ 2\s+│ 2020-12 │ api\s+│ urn:switchyard:schema:com\.shop\.order\.created:2 │/);

    assert.equal(get1.code, 0, get1.stderr);
    assert.match(get1.stdout, /│ com\.shop\.order\.created │\s+│ 1\s+│ 2020-12/);
    assert.deepEqual(JSON.parse(get1.stdout.slice(get1.stdout.indexOf('\n{') + 1)), order, 'the table, then the JSON Schema as registered');
    assert.equal((JSON.parse(getLatest.stdout) as { version: number }).version, 2, 'latest by default');
    assert.equal((JSON.parse(getScoped.stdout) as { dialect: string }).dialect, 'draft-07');

    // codegen to stdout and to a file; the code compiles.
    assert.equal(code1.code, 0, code1.stderr);
    assert.match(code1.stdout, /^\/\/ Generated by Switchyard from schema "com\.shop\.order\.created" version 1\. Do not edit\./);
    assert.match(code1.stdout, /export function isComShopOrderCreated\(value: unknown\): value is ComShopOrderCreated/);
    assert.equal(codeOut.code, 0, codeOut.stderr);
    assert.equal(codeOut.stdout, '');
    assert.match(codeOut.stderr, /^wrote .*order\.ts \(\d+ bytes\)\n$/);
    const code = readFileSync(out, 'utf8');
    assert.match(code, /version 2\. Do not edit\./);
    const program = ts.createProgram([out], { strict: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022 });
    assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  }
});

test('schemas cli - usage errors exit 2 and server errors exit 1 with the stable code; nothing is stored', async () => {
  const t = await startTestServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-schemas-cli-'));
  try {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"type": ');
    // Independent commands, run side by side to keep the test short (each is a node process).
    const [badJson, missing, empty, mode, version, invalid, notFound, cobol, badName, none, unreachable] = await Promise.all([
      cli(t.url, ['schemas', 'put', 'x', bad]),
      cli(t.url, ['schemas', 'put', 'x', path.join(dir, 'missing.json')]),
      cli(t.url, ['schemas', 'put', 'x', '-'], ''),
      cli(t.url, ['schemas', 'put', 'x', '--compatibility', 'SIDEWAYS'], '{}'),
      cli(t.url, ['schemas', 'get', 'x', 'two']),
      cli(t.url, ['schemas', 'put', 'x'], '{"type":"wat"}'),
      cli(t.url, ['schemas', 'get', 'nope']),
      cli(t.url, ['schemas', 'codegen', 'nope', '--lang', 'cobol']),
      cli(t.url, ['schemas', 'versions', 'a b']),
      cli(t.url, ['schemas', 'list']),
      cli('http://127.0.0.1:1', ['schemas', 'list']),
    ]);
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /^error: .*bad\.json is not valid JSON/);
    assert.deepEqual([missing.code, missing.stderr.replace(/^error: .*missing\.json: /, '')], [2, 'no such file\n']);
    assert.deepEqual([empty.code, empty.stderr], [2, 'error: stdin is empty: expected a JSON Schema\n']);
    assert.equal(mode.code, 2);
    assert.match(mode.stderr, /--compatibility "SIDEWAYS" must be one of BACKWARD, FORWARD, FULL, NONE/);
    assert.deepEqual([version.code, version.stderr], [2, 'error: version "two" must be a version number (1, 2, ...) or latest\n']);

    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /^error SWY_SCHEMA_INVALID: not a valid 2020-12 JSON Schema\n {2}\/type: /);
    assert.deepEqual([notFound.code, notFound.stderr.split(':')[0]], [1, 'error SWY_SCHEMA_NOT_FOUND']);
    assert.equal(cobol.code, 1);
    assert.match(cobol.stderr, /^error SWY_SCHEMA_INVALID_REQUEST: no code generator for "cobol"/);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /^error SWY_API_VALIDATION: /);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^error: cannot reach Switchyard at http:\/\/127\.0\.0\.1:1: connection refused/);

    assert.deepEqual((await call<{ items: unknown[] }>(t.url, '/v1/schemas')).json.items, [], 'nothing was stored');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  }
});

test('schemas cli - import registers the payload schemas of an AsyncAPI 3 document (YAML), exported by another server', async () => {
  const from = await startTestServer();
  const to = await startTestServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-schemas-import-'));
  try {
    await call(from.url, '/v1/schemas/com.shop.order.created/versions', { json: { schema: order } });
    await call(from.url, '/v1/schemas/com.shop.order.paid/versions?source=urn%3Ashop%3Aeu', { json: { schema: { type: 'object', properties: { at: { type: 'string' } } } } });
    const doc = await call<Record<string, unknown>>(from.url, '/v1/buses/default/asyncapi');
    assert.equal(doc.status, 200);
    const file = path.join(dir, 'asyncapi.yaml');
    const { stringify } = await import('yaml');
    writeFileSync(file, stringify(doc.json));

    let r = await cli(to.url, ['schemas', 'import', file, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^would register com\.shop\.order\.created from \/components\/messages\/com\.shop\.order\.created \(2020-12\)\n/);
    assert.equal((await call<{ items: unknown[] }>(to.url, '/v1/schemas')).json.items.length, 0, 'a dry run registers nothing');

    r = await cli(to.url, ['schemas', 'import', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'com.shop.order.created: registered version 1\ncom.shop.order.paid (source urn:shop:eu): registered version 1\n');
    const got = await call<{ schema: unknown }>(to.url, '/v1/schemas/com.shop.order.created/versions/1');
    assert.deepEqual(got.json.schema, order);
    r = await cli(to.url, ['schemas', 'import', file]);
    assert.match(r.stdout, /com\.shop\.order\.created: unchanged, identical to version 1\n/);

    // A version the registry refuses (it breaks BACKWARD) is reported; the others still go in; exit 1.
    const breaking = {
      asyncapi: '3.0.0',
      components: { messages: {
        a: { name: 'com.shop.order.created', payload: { ...order, required: ['orderId', 'amount', 'currency'] } },
        b: { name: 'com.shop.order.new', payload: { type: 'string' } },
        c: { name: 'avro', payload: { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: {} } },
      } },
    };
    writeFileSync(file, stringify(breaking));
    r = await cli(to.url, ['schemas', 'import', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /skipped \/components\/messages\/c\/payload\/schemaFormat: schema format application\/vnd\.apache\.avro;version=1\.9\.0 is not JSON Schema/);
    assert.match(r.stderr, /com\.shop\.order\.created: not registered: .*\n1 of 2 schema\(s\) not registered\n$/);
    assert.equal(r.stdout, 'com.shop.order.new: registered version 1\n');

    writeFileSync(file, 'asyncapi: [unclosed');
    r = await cli(to.url, ['schemas', 'import', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not valid YAML/);
  } finally {
    await from.close();
    await to.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
