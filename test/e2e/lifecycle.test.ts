// Server hygiene over real HTTP: health and readiness, the OpenAPI document, API-key auth, and the
// process lifecycle of `switchyard start` (graceful SIGTERM under load, config errors, refusing
// a non-loopback address without API keys).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { STRUCTURED, assertProblem, call, ce, listAll } from './_client.js';
import { spawnSwitchyard, startChild, tempDataDir, type ChildServer } from './_child.js';

describe('health and OpenAPI e2e', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('lifecycle - /healthz and /readyz answer once started', async () => {
    const h = await call<{ status: string }>(s.url, '/healthz');
    assert.deepEqual([h.status, h.json], [200, { status: 'ok' }]);
    const r = await call<{ status: string }>(s.url, '/readyz');
    assert.deepEqual([r.status, r.json], [200, { status: 'ready' }]);
  });

  test('lifecycle - /openapi.json is an OpenAPI 3.1 document of every route', async () => {
    const a = await call<{ openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components?: Record<string, Record<string, unknown>> }>(s.url, '/openapi.json');
    assert.equal(a.status, 200);
    assert.match(a.contentType, /^application\/json/);
    const doc = a.json;
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Switchyard');
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
    const want: Record<string, string[]> = {
      '/v1/buses/{bus}/events': ['post', 'get'],
      '/v1/buses/{bus}/events/{id}': ['get'],
      '/v1/events': ['post'],
      '/v1/buses': ['get', 'post'],
      '/v1/buses/{bus}': ['get', 'delete'],
      '/healthz': ['get'],
      '/readyz': ['get'],
    };
    for (const [p, methods] of Object.entries(want)) {
      for (const m of methods) assert.ok(doc.paths[p]?.[m] !== undefined, `${m.toUpperCase()} ${p} is documented`);
    }
    assert.equal(doc.paths['/openapi.json'], undefined, 'the document hides itself');
    // Structural validity: path templates match their parameters, every operation has
    // responses, and every $ref points into the document.
    const text = JSON.stringify(doc);
    for (const [p, ops] of Object.entries(doc.paths)) {
      assert.match(p, /^\//);
      for (const [m, op] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'delete', 'patch', 'head', 'options'].includes(m)) continue;
        assert.ok(op.responses !== undefined && Object.keys(op.responses).length > 0, `${m} ${p} has responses`);
        const params = (op as { parameters?: { in: string; name: string; required?: boolean }[] }).parameters ?? [];
        for (const [, name] of p.matchAll(/\{([^}]+)\}/g)) {
          assert.ok(params.some((x) => x.in === 'path' && x.name === name && x.required === true), `${m} ${p} declares path parameter ${name}`);
        }
      }
    }
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      let node: unknown = doc;
      for (const part of ref!.split('/')) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      assert.ok(node !== undefined, `$ref #/${ref} resolves`);
    }
  });

  test('lifecycle - /openapi.json: operationIds, security per route, problem+json errors, component bodies', async () => {
    type Op = { operationId?: string; security?: unknown[]; requestBody?: { content: Record<string, { schema?: { $ref?: string } }> }; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
    const doc = (await call<{ paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, { oneOf?: unknown[]; discriminator?: { propertyName: string; mapping: Record<string, string> } }> } }>(s.url, '/openapi.json')).json;
    const ids = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const at = `${m.toUpperCase()} ${p}`;
        assert.match(op.operationId ?? '', /^[a-z][A-Za-z]+$/, `${at} has a camelCase operationId`);
        assert.ok(!ids.has(op.operationId!), `${at}: operationId ${op.operationId} is unique`);
        ids.add(op.operationId!);
        const isPublic = ['/healthz', '/readyz'].includes(p);
        assert.deepEqual(op.security, isPublic ? [] : [{ bearer: [] }], `${at} security`);
        for (const [status, res] of Object.entries(op.responses)) {
          if (!/^4/.test(status)) continue;
          assert.deepEqual(Object.keys(res.content ?? {}), ['application/problem+json'], `${at} ${status} is problem+json`);
          assert.equal(res.content!['application/problem+json']!.schema?.$ref, '#/components/schemas/Problem');
        }
        for (const media of Object.values(op.requestBody?.content ?? {})) {
          if (media.schema?.$ref === undefined && p !== '/v1/buses/{bus}/events') assert.fail(`${at} request body is a component`);
        }
      }
    }
    assert.equal(doc.paths['/v1/buses']!.get!.operationId, 'listBuses');
    assert.equal(doc.paths['/v1/events']!.post!.operationId, 'putEvents');
    assert.equal(doc.paths['/v1/buses/{bus}']!.get!.responses['200']!.content!['application/json']!.schema!.$ref, '#/components/schemas/Bus');
    const ingest = doc.paths['/v1/buses/{bus}/events']!.post!.requestBody!.content;
    assert.deepEqual(Object.keys(ingest).sort(), ['*/*', 'application/cloudevents+json', 'application/cloudevents-batch+json']);
    const target = doc.components.schemas.Target!;
    assert.equal(target.discriminator?.propertyName, 'kind');
    for (const kind of ['http', 'bus', 'log', 'file', 'nats', 'amqp', 'redis', 'mqtt', 'postgres', 'smtp', 's3']) assert.ok(target.discriminator?.mapping[kind] !== undefined, `target kind ${kind}`);
    assert.equal(doc.components.schemas.Filter!.oneOf?.length, 3);
  });
});

describe('auth e2e', () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  const PUT = 'put-key-0123456789abcdef00';
  const READ = 'read-key-0123456789abcdef0';
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ server: { host: '127.0.0.1' }, auth: { apiKeys: { [ADMIN]: ['admin'], [PUT]: ['put'], [READ]: ['read'] } } });
  });
  after(() => s.close());

  const bearer = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });
  const putEvent = (headers: Record<string, string>, id: string): ReturnType<typeof call> =>
    call(s.url, '/v1/buses/default/events', { body: JSON.stringify(ce(id)), headers: { 'content-type': STRUCTURED, ...headers } });

  test('auth - without a key or with a wrong one every /v1 call is a 401 problem', async () => {
    for (const headers of [{}, bearer('wrong-key-0123456789abcdef'), bearer(ADMIN.slice(0, -1)), { authorization: `Basic ${Buffer.from(`x:${ADMIN}`).toString('base64')}` }, { authorization: ADMIN }]) {
      assertProblem(await putEvent(headers, 'nope'), 401, 'SWY_API_UNAUTHORIZED');
      assertProblem(await call(s.url, '/v1/buses/default/events', { headers }), 401, 'SWY_API_UNAUTHORIZED');
      assertProblem(await call(s.url, '/v1/buses', { json: { name: 'x' }, headers }), 401, 'SWY_API_UNAUTHORIZED');
      assertProblem(await call(s.url, '/v1/events', { json: { entries: [ce('nope')] }, headers }), 401, 'SWY_API_UNAUTHORIZED');
    }
    assert.deepEqual(await listAll(s.url, 'default', '', bearer(ADMIN)), []);
  });

  test('auth - a key without the scope of the call is a 403 problem', async () => {
    assertProblem(await putEvent(bearer(READ), 'r'), 403, 'SWY_API_FORBIDDEN');
    assertProblem(await call(s.url, '/v1/buses/default/events', { headers: bearer(PUT) }), 403, 'SWY_API_FORBIDDEN');
    assertProblem(await call(s.url, '/v1/buses', { json: { name: 'x' }, headers: bearer(PUT) }), 403, 'SWY_API_FORBIDDEN');
    assertProblem(await call(s.url, '/v1/buses/default', { method: 'DELETE', headers: bearer(READ) }), 403, 'SWY_API_FORBIDDEN');
  });

  test('auth - a key with the scope (or admin) is let through', async () => {
    assert.equal((await putEvent(bearer(PUT), 'a-1')).status, 202);
    assert.equal((await putEvent({ authorization: `bearer ${ADMIN}` }, 'a-2')).status, 202);
    assert.deepEqual((await listAll(s.url, 'default', '', bearer(READ))).map((e) => e.event['id']), ['a-1', 'a-2']);
    assert.equal((await call(s.url, '/v1/buses', { json: { name: 'authed' }, headers: bearer(ADMIN) })).status, 201);
    assert.equal((await call(s.url, '/v1/buses/authed', { headers: bearer(READ) })).status, 200);
  });

  test('auth - health, readiness and the OpenAPI document need no key', async () => {
    for (const p of ['/healthz', '/readyz', '/openapi.json']) assert.equal((await call(s.url, p)).status, 200, p);
  });
});

describe('process lifecycle e2e', () => {
  const dirs: string[] = [];
  const children: ChildServer[] = [];
  after(() => {
    for (const c of children) c.proc.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const dir = (): string => {
    const d = tempDataDir();
    dirs.push(d);
    return d;
  };

  test('lifecycle - SIGTERM under load drains in-flight puts, then exits 0', async () => {
    const dataDir = dir();
    const c = await startChild(dataDir);
    children.push(c);
    const u = new URL(c.url);

    // One put is deterministically in flight: headers and half the body are sent before SIGTERM.
    const body = JSON.stringify(ce('in-flight', { data: { pad: 'x'.repeat(200) } }));
    const sock = net.connect(Number(u.port), u.hostname);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const answer = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      sock.on('data', (d: Buffer) => chunks.push(d));
      sock.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      sock.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      sock.on('error', reject);
    });
    sock.write(`POST /v1/buses/default/events HTTP/1.1\r\nHost: x\r\nContent-Type: ${STRUCTURED}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 100)}`);

    // Concurrent load in every mode while the signal arrives.
    const acked: string[] = [];
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const id = `l-${w}-${n}`;
        try {
          const a = await call(c.url, '/v1/buses/default/events', { body: JSON.stringify(ce(id)), headers: { 'content-type': STRUCTURED } });
          if (a.status === 202) acked.push(id);
          else assert.equal(a.status, 503, a.text);
        } catch {
          return; // the listener is closed: connection refused or an idle socket closed
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    while (acked.length < 200) await new Promise((r) => setTimeout(r, 5));
    c.proc.kill('SIGTERM');

    // Wait until the server is draining (readiness gone or listener closed), then finish the put.
    for (;;) {
      const r = await fetch(`${c.url}/readyz`).then((x) => x.status, () => 0);
      if (r !== 200) break;
      await new Promise((r2) => setTimeout(r2, 5));
    }
    sock.end(body.slice(100));
    const raw = await answer;
    assert.match(raw, /^HTTP\/1\.1 202 /, raw);
    assert.match(raw, /"id":"in-flight"/);

    assert.deepEqual(await c.exited, { code: 0, signal: null });
    stop = true;
    await load;
    assert.match(c.stderr(), /^$/, 'nothing on stderr');

    const again = await startChild(dataDir);
    children.push(again);
    const stored = new Set((await listAll(again.url, 'default')).map((e) => String(e.event['id'])));
    assert.ok(stored.has('in-flight'));
    assert.deepEqual(acked.filter((id) => !stored.has(id)), [], 'every acknowledged put was committed before exit');
    again.proc.kill('SIGTERM');
    assert.equal((await again.exited).code, 0);
  });

  test('lifecycle - a bad config exits 2 naming the key', async () => {
    const cfgDir = mkdtempSync(path.join(tmpdir(), 'swy-cfg-'));
    dirs.push(cfgDir);
    const file = path.join(cfgDir, 'switchyard.yaml');
    writeFileSync(file, 'limits:\n  maxEventBytes: 5\nserver:\n  prot: 1\n');
    const runs: { args: string[]; env: Record<string, string>; keys: string[] }[] = [
      { args: ['--config', file, '--data-dir', dir()], env: {}, keys: ['limits.maxEventBytes', 'server.prot'] },
      { args: ['--data-dir', dir()], env: { SWITCHYARD_SERVER_PORT: '12ab' }, keys: ['server.port'] },
      { args: ['--port', '99999', '--data-dir', dir()], env: {}, keys: ['server.port'] },
    ];
    await Promise.all(runs.map(async (r) => {
      const c = spawnSwitchyard(r.args, r.env);
      const exit = await c.exited;
      assert.equal(exit.code, 2, c.stderr());
      for (const k of r.keys) assert.ok(c.stderr().includes(k), `stderr names ${k}: ${c.stderr()}`);
    }));
  });

  test('lifecycle - a non-loopback address without API keys refuses to start', async () => {
    const c = spawnSwitchyard(['--host', '0.0.0.0', '--port', '0', '--data-dir', dir()]);
    const exit = await c.exited;
    assert.equal(exit.code, 2);
    assert.match(c.stderr(), /refusing to listen on 0\.0\.0\.0 without API keys/);
    assert.match(c.stderr(), /auth\.apiKeys/);
  });

  test('lifecycle - a port already in use is one line naming the port and how to change it, exit 2', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const c = spawnSwitchyard(['--port', String(port), '--data-dir', dir()]);
      const exit = await c.exited;
      assert.equal(exit.code, 2, c.stderr());
      const lines = c.stderr().trim().split('\n');
      assert.equal(lines.length, 1, `one line, no stack trace: ${c.stderr()}`);
      assert.match(lines[0]!, new RegExp(`port ${port} is already in use`));
      assert.match(lines[0]!, /--port/);
      assert.match(lines[0]!, /SWITCHYARD_SERVER_PORT/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
