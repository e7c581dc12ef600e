// Hostile inputs against the real server: each gets a 4xx (problem+json with a stable code where
// the request reaches the application), nothing is stored, and the server keeps answering.
// Requests fetch refuses to send (CR/LF in header values, raw non-ASCII bytes) go over a socket.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { BATCH, STRUCTURED, assertProblem, call, ce, listAll, type Answer } from './_client.js';

interface RawAnswer { status: number; headers: Record<string, string>; body: string }

/** Sends bytes as they are over one connection and reads the answer until the server closes. */
function rawRequest(url: string, bytes: Buffer): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    sock.end(bytes);
  });
}

const CE_HEADERS = 'ce-specversion: 1.0\r\nce-source: urn:hostile\r\nce-type: t\r\n';

function rawPut(bus: string, headerLines: string, body = ''): Buffer {
  return Buffer.from(`POST /v1/buses/${bus}/events HTTP/1.1\r\nHost: h\r\nConnection: close\r\n${headerLines}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`, 'latin1');
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('hostile inputs e2e', () => {
  let s: TestServer;
  let base: string;
  const BUS = 'hostile';
  const binary = { 'ce-specversion': '1.0', 'ce-id': 'h-1', 'ce-source': 'urn:hostile', 'ce-type': 't' };
  const put = (c: { body?: string | Uint8Array; headers?: Record<string, string> }): Promise<Answer> =>
    call(base, `/v1/buses/${BUS}/events`, { method: 'POST', ...c });

  before(async () => {
    s = await startTestServer();
    base = s.url;
    assert.equal((await call(base, '/v1/buses', { json: { name: BUS } })).status, 201);
  });
  // After every hostile request: nothing stored, and the server still takes a real put.
  afterEach(async () => {
    assert.deepEqual(await listAll(base, BUS), [], 'nothing stored on the hostile bus');
    assert.deepEqual(await listAll(base, 'default'), [], 'nothing stored on default');
    assert.equal((await call(base, '/healthz')).status, 200);
    const ok = await call(base, '/v1/buses/canary/events', { body: JSON.stringify(ce(`canary-${Math.random()}`)), headers: { 'content-type': STRUCTURED } });
    assert.ok(ok.status === 202 || ok.status === 404, ok.text);
  });
  after(() => s.close());

  test('hostile - invalid JSON in structured, batch, binary JSON data and PutEvents', async () => {
    assertProblem(await put({ body: '{"specversion":"1.0",', headers: { 'content-type': STRUCTURED } }), 400, 'SWY_EVENT_MALFORMED_JSON');
    assertProblem(await put({ body: '[{"specversion":"1.0"}', headers: { 'content-type': BATCH } }), 400, 'SWY_EVENT_MALFORMED_JSON');
    assertProblem(await put({ body: '', headers: { 'content-type': STRUCTURED } }), 400, 'SWY_EVENT_MALFORMED_JSON');
    assertProblem(await put({ body: '{"a":1} trailing', headers: { ...binary, 'content-type': 'application/json' } }), 400, 'SWY_EVENT_INVALID');
    assertProblem(await call(base, '/v1/events', { body: '{"entries":[', headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_MALFORMED_JSON');
    assertProblem(await call(base, '/v1/buses', { body: 'nope', headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_MALFORMED_JSON');
  });

  test('hostile - wrong content types', async () => {
    assertProblem(await put({ body: '{}', headers: { 'content-type': 'application/cloudevents+avro' } }), 415, 'SWY_EVENT_UNSUPPORTED_MEDIA_TYPE');
    assertProblem(await put({ body: '[]', headers: { 'content-type': 'application/cloudevents-batch+xml' } }), 415, 'SWY_EVENT_UNSUPPORTED_MEDIA_TYPE');
    assertProblem(await put({ body: JSON.stringify(ce('x')), headers: { 'content-type': `${STRUCTURED}; charset=latin1` } }), 415, 'SWY_EVENT_BAD_CHARSET');
    // Without ce-* headers a plain JSON body is a binary-mode event missing its attributes.
    const p = assertProblem(await put({ body: JSON.stringify(ce('x')), headers: { 'content-type': 'application/json' } }), 400, 'SWY_EVENT_INVALID');
    assert.deepEqual(p.violations?.map((v) => v.path).sort(), ['ce-id', 'ce-source', 'ce-specversion', 'ce-type']);
    assertProblem(await put({ body: '{}', headers: { ...binary, 'content-type': 'not a media type' } }), 400, 'SWY_EVENT_INVALID');
    assertProblem(await call(base, '/v1/events', { body: JSON.stringify({ entries: [ce('x')] }), headers: { 'content-type': 'text/plain' } }), 415, 'SWY_API_UNSUPPORTED_MEDIA_TYPE');
    assertProblem(await call(base, '/v1/buses', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'SWY_API_UNSUPPORTED_MEDIA_TYPE');
  });

  test('hostile - 10 MB bodies are refused with 413 on every route', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    assertProblem(await put({ body: big, headers: { 'content-type': STRUCTURED } }), 413, 'SWY_INGEST_REQUEST_TOO_LARGE');
    assertProblem(await put({ body: big, headers: { ...binary, 'content-type': 'application/octet-stream' } }), 413, 'SWY_INGEST_REQUEST_TOO_LARGE');
    assertProblem(await call(base, '/v1/events', { body: big, headers: { 'content-type': 'application/json' } }), 413, 'SWY_INGEST_REQUEST_TOO_LARGE');
    assertProblem(await call(base, '/v1/buses', { body: big, headers: { 'content-type': 'application/json' } }), 413, 'SWY_INGEST_REQUEST_TOO_LARGE');
    // Chunked, with no Content-Length to refuse early: the limit holds while streaming.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(1024 * 1024));
        c.close();
      },
    });
    const res = await fetch(`${base}/v1/buses/${BUS}/events`, { method: 'POST', body: chunks, duplex: 'half', headers: { 'content-type': STRUCTURED } } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { code: string }).code, 'SWY_INGEST_REQUEST_TOO_LARGE');
  });

  test('hostile - 10,000-deep nesting', async () => {
    const deep = nested(10_000);
    assertProblem(await put({ body: `{"specversion":"1.0","id":"d","source":"urn:h","type":"t","data":${deep}}`, headers: { 'content-type': STRUCTURED } }), 400, 'SWY_EVENT_TOO_DEEP');
    assertProblem(await put({ body: `[${deep}]`, headers: { 'content-type': BATCH } }), 400, 'SWY_EVENT_TOO_DEEP');
    const bin = assertProblem(await put({ body: deep, headers: { ...binary, 'content-type': 'application/json' } }), 400, 'SWY_EVENT_INVALID');
    assert.deepEqual(bin.violations?.map((v) => [v.path, v.code]), [['body', 'SWY_EVENT_TOO_DEEP']]);
    // PutEvents validates each entry alone: the deep one fails by itself.
    const a = await call<{ failedCount: number; results: { error?: { code: string; violations?: { code?: string }[] } }[] }>(base, '/v1/events', {
      body: `{"entries":[{"bus":"${BUS}","specversion":"1.0","id":"d","source":"urn:h","type":"t","data":${deep}}]}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(a.status, 200, a.text.slice(0, 300));
    assert.equal(a.json.failedCount, 1);
    assert.equal(a.json.results[0]!.error?.code, 'SWY_EVENT_INVALID');
    assert.equal(a.json.results[0]!.error?.violations?.[0]?.code, 'SWY_EVENT_TOO_DEEP');
    // Management bodies are refused before parsing: nothing downstream recurses over 10,000 levels.
    for (const [path, body] of [
      ['/v1/buses', `{"name":"deep","description":${deep}}`],
      ['/v1/patterns/test', `{"filter":{"pattern":{"a":["x"]}},"event":{"data":${deep}}}`],
      ['/v1/patterns/test', `{"filter":{"sql":"a = 'x'"},"event":{"data":${deep}}}`],
      ['/v1/transforms/test', `{"transform":{"type":"constant","value":${deep}},"event":{}}`],
    ] as const) {
      const b = assertProblem(await call(base, path, { body, headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_TOO_DEEP');
      assert.match(b.detail, /deeper than 72 levels/);
      assert.deepEqual(b.violations?.map((v) => v.path), ['/body']);
    }
    const r = await call(base, `/v1/buses/${BUS}/rules/deep`, { method: 'PUT', body: `{"filter":{"sql":"true"},"targets":[{"id":"a","kind":"log","transform":{"type":"constant","value":${deep}}}]}`, headers: { 'content-type': 'application/json' } });
    assertProblem(r, 400, 'SWY_API_TOO_DEEP');
  });

  test('hostile - invalid UTF-8 in bodies and percent-encoded headers', async () => {
    const bad = Buffer.concat([Buffer.from('{"specversion":"1.0","id":"u","source":"urn:h","type":"t","data":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    assertProblem(await put({ body: bad, headers: { 'content-type': STRUCTURED } }), 400, 'SWY_EVENT_INVALID_UTF8');
    assertProblem(await put({ body: Buffer.concat([Buffer.from('['), bad, Buffer.from(']')]), headers: { 'content-type': BATCH } }), 400, 'SWY_EVENT_INVALID_UTF8');
    // Overlong encoding of '/' and an encoded surrogate.
    assertProblem(await put({ body: Buffer.from([0x22, 0xc0, 0xaf, 0x22]), headers: { ...binary, 'content-type': 'application/json' } }), 400, 'SWY_EVENT_INVALID');
    assertProblem(await put({ body: Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), headers: { ...binary, 'content-type': 'application/json' } }), 400, 'SWY_EVENT_INVALID');
    const h = assertProblem(await put({ body: '', headers: { ...binary, 'ce-subject': 'caf%C3' } }), 400, 'SWY_EVENT_INVALID');
    assert.deepEqual(h.violations?.map((v) => v.path), ['ce-subject']);
    const r = await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: caf\xe9\r\n`));
    assert.equal(r.status, 400);
    assert.match(r.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'SWY_EVENT_INVALID');
  });

  test('hostile - a repeated ce-* header is refused, not joined into one value', async () => {
    const r = await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: a\r\nce-id: b\r\n`));
    assert.equal(r.status, 400, r.body);
    const p = JSON.parse(r.body) as { code: string; violations: { path: string }[] };
    assert.equal(p.code, 'SWY_EVENT_INVALID');
    assert.deepEqual(p.violations.map((v) => v.path), ['ce-id']);
  });

  test('hostile - CR or LF inside a header value and obsolete line folding are 400s', async () => {
    for (const lines of [`ce-id: a\rb\r\n`, `ce-id: a\nce-x: b\r\n`, `ce-id: a\r\n folded\r\n`, `ce-id: a\r\nbad header: 1\r\n`]) {
      const r = await rawRequest(base, rawPut(BUS, CE_HEADERS + lines));
      assert.equal(r.status, 400, JSON.stringify(lines));
    }
  });

  test('hostile - requests the HTTP parser refuses still get problem+json', async () => {
    const r = await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: a\rb\r\n`));
    assert.match(r.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'SWY_API_MALFORMED_REQUEST');
    let big = '';
    for (let i = 0; i < 2000; i++) big += `x-h${i}: 1234567890\r\n`;
    const o = await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: m\r\n${big}`));
    assert.equal(o.status, 431);
    assert.equal((JSON.parse(o.body) as { code: string }).code, 'SWY_API_HEADERS_TOO_LARGE');
  });

  test('hostile - huge header counts and header blocks', async () => {
    // 500 headers: over the count limit (200), and a block small enough (~5.5 KB) that no Node
    // version's HTTP parser refuses it first (Node 22 refuses 1,000 such headers by size).
    let many = '';
    for (let i = 0; i < 500; i++) many += `x-h${i}: 1\r\n`;
    const r = await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: m\r\n${many}`));
    assert.equal(r.status, 431);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'SWY_API_TOO_MANY_HEADERS');
    // 500 ce-* extension headers: refused by count before the codec sees them.
    let exts = '';
    for (let i = 0; i < 500; i++) exts += `ce-ext${i}: v\r\n`;
    assert.equal((await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: m\r\n${exts}`))).status, 431);
    // A header block beyond node's 16 KiB limit is refused by the HTTP parser.
    let big = '';
    for (let i = 0; i < 2000; i++) big += `x-h${i}: 1234567890\r\n`;
    assert.equal((await rawRequest(base, rawPut(BUS, `${CE_HEADERS}ce-id: m\r\n${big}`))).status, 431);
  });

  test('hostile - __proto__ and constructor keys pollute nothing', async () => {
    const probe = {} as Record<string, unknown>;
    // As an attribute name it is an invalid extension name.
    assertProblem(await put({ body: '{"specversion":"1.0","id":"p","source":"urn:h","type":"t","__proto__":{"polluted":1}}', headers: { 'content-type': STRUCTURED } }), 400, 'SWY_EVENT_INVALID');
    const c = assertProblem(await put({ body: '{"specversion":"1.0","id":"p","source":"urn:h","type":"t","constructor":"x"}', headers: { 'content-type': STRUCTURED } }), 400, 'SWY_EVENT_INVALID');
    assert.deepEqual(c.violations?.map((v) => v.path), ['/constructor']);
    // Management JSON bodies with __proto__ / constructor.prototype are refused by the parser.
    assertProblem(await call(base, '/v1/buses', { body: '{"name":"p","__proto__":{"polluted":1}}', headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_MALFORMED_JSON');
    assertProblem(await call(base, '/v1/events', { body: '{"entries":[{"constructor":{"prototype":{"polluted":1}}}]}', headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_MALFORMED_JSON');
    assert.equal(probe['polluted'], undefined);
    assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined);
  });

  test('hostile - __proto__ inside data is stored as plain data', async () => {
    assert.equal((await call(base, '/v1/buses', { json: { name: 'protodata' } })).status, 201);
    const body = '{"specversion":"1.0","id":"pd","source":"urn:h","type":"t","data":{"__proto__":{"polluted":1},"ok":true}}';
    assert.equal((await call(base, '/v1/buses/protodata/events', { body, headers: { 'content-type': STRUCTURED } })).status, 202);
    const g = await call(base, '/v1/buses/protodata/events/pd');
    assert.ok(g.text.includes('"data":{"__proto__":{"polluted":1},"ok":true}'), g.text);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal((await call(base, '/v1/buses/protodata', { method: 'DELETE' })).status, 204);
  });

  test('hostile - an event over 256 KiB is a 413 in every mode', async () => {
    const data = 'x'.repeat(256 * 1024 + 1);
    assertProblem(await put({ body: JSON.stringify(ce('big', { data })), headers: { 'content-type': STRUCTURED } }), 413, 'SWY_EVENT_TOO_LARGE');
    assertProblem(await put({ body: JSON.stringify([ce('ok'), ce('big', { data })]), headers: { 'content-type': BATCH } }), 413, 'SWY_EVENT_TOO_LARGE');
    assertProblem(await put({ body: data, headers: { ...binary, 'content-type': 'text/plain' } }), 413, 'SWY_EVENT_TOO_LARGE');
  });

  test('hostile - a batch of 1,001 events is a 413', async () => {
    const evs = Array.from({ length: 1001 }, (_, i) => ce(`b-${i}`));
    assertProblem(await put({ body: JSON.stringify(evs), headers: { 'content-type': BATCH } }), 413, 'SWY_EVENT_BATCH_TOO_MANY');
    assertProblem(await call(base, '/v1/events', { json: { entries: evs.map((e) => ({ bus: BUS, ...e })) } }), 400, 'SWY_INGEST_INVALID_ENTRIES');
  });

  test('hostile - every refusal, the framework\'s own included, is problem+json with an SWY_ code', async () => {
    const json = { 'content-type': 'application/json' };
    const raw = (text: string): Promise<RawAnswer> => rawRequest(base, Buffer.from(text, 'latin1'));
    const viaFetch = async (path: string, c: Parameters<typeof call>[2] = {}): Promise<RawAnswer> => {
      const a = await call(base, path, c);
      return { status: a.status, headers: { 'content-type': a.contentType }, body: a.text };
    };
    const cases: Array<[string, number, string, () => Promise<RawAnswer>]> = [
      ['a path segment over 4096 characters', 414, 'SWY_API_URI_TOO_LONG', () => viaFetch(`/v1/buses/${'a'.repeat(5000)}/events`)],
      ['an event id over 4096 characters', 414, 'SWY_API_URI_TOO_LONG', () => viaFetch(`/v1/buses/default/events/${'e'.repeat(4097)}`)],
      ['a broken percent-encoding in the path', 400, 'SWY_API_BAD_URL', () => viaFetch('/v1/buses/%E0%A4%A/events')],
      ['an unknown route', 404, 'SWY_NOT_FOUND', () => viaFetch('/nope')],
      ['a method the route lacks', 404, 'SWY_NOT_FOUND', () => viaFetch('/v1/buses', { method: 'PATCH', json: {} })],
      ['bad JSON', 400, 'SWY_API_MALFORMED_JSON', () => viaFetch('/v1/buses', { body: '{', headers: json })],
      ['an empty JSON body', 400, 'SWY_API_MALFORMED_JSON', () => viaFetch('/v1/buses', { body: '', headers: json })],
      ['a __proto__ key', 400, 'SWY_API_MALFORMED_JSON', () => viaFetch('/v1/buses', { body: '{"__proto__":{"x":1}}', headers: json })],
      ['an unsupported media type', 415, 'SWY_API_UNSUPPORTED_MEDIA_TYPE', () => viaFetch('/v1/buses', { body: '<bus/>', headers: { 'content-type': 'application/xml' } })],
      ['a body over the limit', 413, 'SWY_INGEST_REQUEST_TOO_LARGE', () => viaFetch('/v1/buses', { body: `"${'x'.repeat(2 * 1024 * 1024)}"`, headers: json })],
      ['a compressed management body', 415, 'SWY_API_UNSUPPORTED_ENCODING', () => viaFetch('/v1/buses', { body: '{"name":"z"}', headers: { ...json, 'content-encoding': 'gzip' } })],
      ['a bad query parameter', 400, 'SWY_API_VALIDATION', () => viaFetch('/v1/buses/default/events?limit=many')],
      ['a bare CR in a header', 400, 'SWY_API_MALFORMED_REQUEST', () => raw('GET /healthz HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\nConnection: close\r\n\r\n')],
      ['Content-Length and Transfer-Encoding together', 400, 'SWY_API_MALFORMED_REQUEST', () => raw('POST /v1/buses HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n')],
      ['a non-numeric Content-Length', 400, 'SWY_API_MALFORMED_REQUEST', () => raw('POST /v1/buses HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}')],
      ['a header block over 16 KiB', 431, 'SWY_API_HEADERS_TOO_LARGE', () => raw(`GET /healthz HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`)],
    ];
    for (const [name, status, code, send] of cases) {
      const a = await send();
      assert.equal(a.status, status, `${name}: ${a.body.slice(0, 200)}`);
      assert.match(a.headers['content-type'] ?? '', /^application\/problem\+json/, `${name}: ${a.body.slice(0, 200)}`);
      const p = JSON.parse(a.body) as { code: string; status: number; type: string; title: string };
      assert.equal(p.code, code, name);
      assert.equal(p.status, status, name);
      assert.ok(typeof p.type === 'string' && typeof p.title === 'string', name);
    }
  });

  test('hostile - a Content-Encoding other than identity is a 415 naming it, in every put mode', async () => {
    const gz = { 'content-encoding': 'gzip' };
    const checks = [
      await put({ body: JSON.stringify(ce('z')), headers: { 'content-type': STRUCTURED, ...gz } }),
      await put({ body: JSON.stringify([ce('z')]), headers: { 'content-type': BATCH, ...gz } }),
      await put({ body: '{}', headers: { ...binary, 'content-type': 'application/json', 'content-encoding': 'br' } }),
      await call(base, '/v1/events', { json: { entries: [{ bus: BUS, ...ce('z') }] }, headers: { 'content-encoding': 'deflate, identity' } }),
    ];
    for (const [i, a] of checks.entries()) {
      const p = assertProblem(a, 415, 'SWY_API_UNSUPPORTED_ENCODING');
      assert.match(p.detail, [/"gzip"/, /"gzip"/, /"br"/, /"deflate, identity"/][i]!);
      assert.deepEqual(p.violations?.map((v) => v.path), ['content-encoding']);
    }
    // identity is no coding at all.
    const ok = await call(base, '/v1/buses/canary/events', { body: JSON.stringify(ce('id-ok')), headers: { 'content-type': STRUCTURED, 'content-encoding': 'identity' } });
    assert.ok(ok.status === 202 || ok.status === 404, ok.text);
  });

  test('hostile - a slow, half-sent request does not block other requests', async () => {
    const u = new URL(base);
    const sock = net.connect(Number(u.port), u.hostname);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(`POST /v1/buses/${BUS}/events HTTP/1.1\r\nHost: h\r\nContent-Type: ${STRUCTURED}\r\nContent-Length: 1000\r\n\r\n{"specversion":`);
    assert.equal((await call(base, '/healthz')).status, 200);
    sock.destroy();
  });
});
