// Hostile input to webhook sources: bodies over the limit, repeated and malformed signature
// headers, deep nesting, binary and non-UTF-8 bodies, mappings that would amplify their output
// (bounded), bad source bodies (one violation per problem). The server answers each with a clear
// 4xx and keeps serving; the CloudEvents validation handshake on the webhook and put routes.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { assertProblem, call } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ limits: { maxEventBytes: 64 * 1024, maxRequestBytes: 256 * 1024 } });
  await call(t.url, '/v1/connections/k', { method: 'PUT', json: { kind: 'hmac', secret: 'sec' } });
  await call(t.url, '/v1/sources/gh', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'github', connection: 'k' }, mapping: { preset: 'github' } } });
  await call(t.url, '/v1/sources/open', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' } } });
});
after(async () => {
  await t.close();
});

const sign = (body: string | Buffer): string => `sha256=${createHmac('sha256', 'sec').update(body).digest('hex')}`;

test('hostile sources - a body over maxRequestBytes is 413 before verification; one over maxEventBytes is refused', async () => {
  const big = 'x'.repeat(300 * 1024);
  assertProblem(await call(t.url, '/v1/sources/gh/webhook', { body: big, headers: { 'content-type': 'text/plain', 'x-hub-signature-256': sign(big) } }), 413, 'SWY_INGEST_REQUEST_TOO_LARGE');
  const large = JSON.stringify({ pad: 'y'.repeat(100 * 1024) });
  const a = await call(t.url, '/v1/sources/gh/webhook', { body: large, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(large), 'x-github-event': 'push', 'x-github-delivery': 'big' } });
  assert.equal(a.status, 413, a.text);
  assert.equal((await call(t.url, '/v1/buses/default/events/big')).status, 404);
});

test('hostile sources - repeated, malformed and oversized signature headers are 401', async () => {
  const body = '{}';
  const raw = async (headers: [string, string][]): Promise<number> => {
    const h = new Headers();
    for (const [k, v] of headers) h.append(k, v);
    return (await fetch(`${t.url}/v1/sources/gh/webhook`, { method: 'POST', body, headers: h })).status;
  };
  // Two signature lines, one of them right: node joins them; never accepted.
  assert.equal(await raw([['content-type', 'application/json'], ['x-hub-signature-256', sign(body)], ['x-hub-signature-256', sign(body)]]), 401);
  for (const bad of ['sha256=', 'sha256=zz' + '0'.repeat(62), `sha256=${'0'.repeat(10_000)}`, 'SHA256 ' + sign(body).slice(7), '\u00e9']) {
    const status = await raw([['content-type', 'application/json'], ['x-hub-signature-256', bad]]).catch(() => 0);
    assert.ok(status === 401 || status === 0, `${bad.slice(0, 20)} → ${status}`);
  }
  assert.equal((await call(t.url, '/healthz')).status, 200);
});

test('hostile sources - deep nesting, binary and non-UTF-8 bodies', async () => {
  const deep = '['.repeat(20_000) + ']'.repeat(20_000);
  assertProblem(await call(t.url, '/v1/sources/gh/webhook', { body: deep, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(deep), 'x-github-event': 'x', 'x-github-delivery': 'deep' } }), 400, 'SWY_SOURCE_MAPPING_FAILED');
  const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]);
  const a = await call(t.url, '/v1/sources/gh/webhook', { body: bytes, headers: { 'content-type': 'application/octet-stream', 'x-hub-signature-256': sign(bytes), 'x-github-event': 'x', 'x-github-delivery': 'bin' } });
  assert.equal(a.status, 202, a.text);
  const e = (await call<{ event: Record<string, unknown> }>(t.url, '/v1/buses/default/events/bin')).json.event;
  assert.equal(e.data_base64, bytes.toString('base64'));
  // Text that is not UTF-8 is kept as bytes too, byte-exact.
  const latin = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
  assert.equal((await call(t.url, '/v1/sources/gh/webhook', { body: latin, headers: { 'content-type': 'text/plain', 'x-hub-signature-256': sign(latin), 'x-github-event': 'x', 'x-github-delivery': 'latin' } })).status, 202);
  assert.equal((await call<{ event: Record<string, unknown> }>(t.url, '/v1/buses/default/events/latin')).json.event.data_base64, latin.toString('base64'));
});

test('hostile sources - a mapping that would amplify its output is bounded; too many extensions and bad fields are refused with one violation each', async () => {
  const vars: Record<string, string> = { b: '$.body' };
  const template = '${b}'.repeat(200);
  const put = await call(t.url, '/v1/sources/amp', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' }, mapping: { type: { template, variables: vars }, data: { type: 'template', variables: vars, template } } } });
  assert.equal(put.status, 201, put.text);
  const body = JSON.stringify({ s: 'z'.repeat(2000) });
  assertProblem(await call(t.url, '/v1/sources/amp/webhook', { body, headers: { 'content-type': 'application/json' } }), 400, 'SWY_TRANSFORM_OUTPUT_TOO_LARGE');
  const extensions = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x${i}`, '$.body']));
  const bad = assertProblem(await call(t.url, '/v1/sources/bad', { method: 'PUT', json: {
    kind: 'webhook', bus: 'default', verify: { kind: 'hmac', connection: 'k', header: 'bad header', algorithm: 'md5', encoding: 'rot13', signed: 'no body', extra: 1 },
    mapping: { id: 'not-a-path', type: '$[', extensions, data: { type: 'complete' }, nope: true },
  } }), 400, 'SWY_SOURCE_INVALID');
  const paths = bad.violations?.map((v) => v.path) ?? [];
  for (const p of ['/mapping/id', '/mapping/type', '/mapping/extensions', '/mapping/data', '/mapping/nope', '/verify/header', '/verify/algorithm', '/verify/encoding', '/verify/signed', '/verify/extra']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  const wildcard = await call(t.url, '/v1/sources/wild', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' }, mapping: { subject: '$.body[*]' } } });
  assert.equal(wildcard.status, 201);
  assertProblem(await call(t.url, '/v1/sources/wild/webhook', { body: '[1,2,3]', headers: { 'content-type': 'application/json' } }), 400, 'SWY_SOURCE_MAPPING_FAILED');
  assertProblem(await call(t.url, '/v1/sources/x', { method: 'PUT', body: '[]', headers: { 'content-type': 'application/json' } }), 400, 'SWY_API_VALIDATION');
  // A form field named __proto__ is a field like any other.
  assert.equal((await call(t.url, '/v1/sources/proto', { method: 'PUT', json: { kind: 'webhook', bus: 'default', verify: { kind: 'none' }, mapping: { id: '$.body.__proto__.id', type: '$.body.t' } } })).status, 201);
  const proto = await call(t.url, '/v1/sources/proto/webhook', { body: `__proto__=${encodeURIComponent('{"id":"p-1"}')}&t=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(proto.status, 202, proto.text);
  assert.equal((await call(t.url, '/v1/buses/default/events/p-1')).status, 200);
});

test('handshake - OPTIONS with WebHook-Request-Origin on the webhook and put routes allows the origin (and a rate)', async () => {
  for (const path of ['/v1/sources/gh/webhook', '/v1/buses/default/events']) {
    const res = await fetch(t.url + path, { method: 'OPTIONS', headers: { 'webhook-request-origin': 'eventemitter.example.com', 'webhook-request-rate': '120' } });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('webhook-allowed-origin'), 'eventemitter.example.com');
    assert.equal(res.headers.get('webhook-allowed-rate'), '*');
    const plain = await fetch(t.url + path, { method: 'OPTIONS' });
    assert.equal(plain.status, 204);
    assert.equal(plain.headers.get('webhook-allowed-origin'), null);
  }
});
