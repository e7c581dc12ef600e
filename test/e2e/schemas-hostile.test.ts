// Hostile input on the schema registry routes: every bad request gets a 4xx problem+json with a
// stable code, nothing is stored, and the server keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import { SCHEMA_LIMITS } from '../../src/schemas/index.js';
import { startTestServer, type TestServer } from './harness.js';
import { assertProblem, call, type Answer } from './_client.js';

const JSON_CT = { 'content-type': 'application/json' };
const raw = (t: TestServer, path: string, body: string, method = 'POST'): Promise<Answer> => call(t.url, path, { method, headers: JSON_CT, body });

/** Everything the registry holds, as seen through the API (schemas and their versions). */
async function registryState(t: TestServer): Promise<string> {
  const list = await call<{ items: { name: string; source: string | null; latestVersion: number; description: string | null; compatibility: string }[] }>(t.url, '/v1/schemas');
  assert.equal(list.status, 200);
  return JSON.stringify(list.json.items);
}

test('schemas hostile - malformed JSON, wrong types and unknown members are 400 problem+json; nothing is stored', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await call(t.url, '/v1/schemas/kept/versions', { json: { schema: { type: 'object' } } })).status, 201);
    const before = await registryState(t);

    assertProblem(await raw(t, '/v1/schemas/m/versions', '{"schema": {'), 400, 'SWY_API_MALFORMED_JSON');
    assertProblem(await raw(t, '/v1/schemas/m/versions', ''), 400, 'SWY_API_MALFORMED_JSON');
    assertProblem(await raw(t, '/v1/schemas/m/versions', '{"schema": {"__proto__": {"type": "string"}}}'), 400, 'SWY_API_MALFORMED_JSON');
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { headers: { 'content-type': 'text/plain' }, body: '{"schema":{}}' }), 415, 'SWY_API_UNSUPPORTED_MEDIA_TYPE');

    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: [{ schema: {} }] }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: 'schema' }), 400, 'SWY_API_VALIDATION');
    const missing = assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { scheme: {} } }), 400, 'SWY_API_VALIDATION');
    assert.ok(missing.violations?.some((v) => v.path === '/body/schema'), JSON.stringify(missing.violations));
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { schema: {}, compatibility: 'SIDEWAYS' } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { schema: {}, dialect: 'draft-04' } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/m', { method: 'PUT', json: { compatibility: 5 } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/m', { method: 'PUT', json: { description: 'x'.repeat(1025) } }), 400, 'SWY_API_VALIDATION');

    // Not a JSON Schema: a string, a number, null, an array, a bad keyword value, a foreign $schema.
    for (const schema of ['object', 42, null, [{ type: 'string' }], { type: 'wat' }, { required: 'id' }, { minLength: -1 }, { $schema: 'http://json-schema.org/draft-04/schema#' }]) {
      assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { schema } }), 400, 'SWY_SCHEMA_INVALID');
      assertProblem(await call(t.url, '/v1/schemas/kept/compatibility', { json: { schema } }), 400, 'SWY_SCHEMA_INVALID');
    }
    // References the registry cannot resolve (it never fetches anything).
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { schema: { $ref: 'http://127.0.0.1:1/evil.json' } } }), 400, 'SWY_SCHEMA_INVALID');
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { schema: { $ref: '#/$defs/nowhere' } } }), 400, 'SWY_SCHEMA_INVALID');
    assertProblem(await call(t.url, '/v1/schemas/m/versions', { json: { schema: { pattern: '([a-z' } } }), 400, 'SWY_SCHEMA_INVALID');

    // Settings of a bus: wrong types, out of range.
    assertProblem(await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { validation: 'strict' } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { discovery: 'maybe' } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { sampleRate: 'often' } }), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { sampleRate: 1.5 } }), 400, 'SWY_SCHEMA_INVALID_REQUEST');
    assertProblem(await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { sampleRate: -1 } }), 400, 'SWY_SCHEMA_INVALID_REQUEST');
    assert.deepEqual((await call(t.url, '/v1/buses/default/schema-settings')).json, { bus: 'default', validation: 'off', discovery: false, sampleRate: 1 });

    assertProblem(await call(t.url, '/v1/schemas/kept/versions/0'), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/kept/versions/-1'), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/kept/versions/1e3'), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/kept/versions/99999999999'), 400, 'SWY_API_VALIDATION');
    assertProblem(await call(t.url, '/v1/schemas/kept/versions/1/code?lang=cobol'), 400, 'SWY_SCHEMA_INVALID_REQUEST');
    assertProblem(await call(t.url, '/v1/schemas/kept/versions?bogus=1'), 400, 'SWY_API_VALIDATION');

    assert.equal(await registryState(t), before, 'nothing was stored or changed');
  } finally {
    await t.close();
  }
});

test('schemas hostile - huge or deeply nested schemas are refused with 413 SWY_SCHEMA_TOO_LARGE, not a crash', async () => {
  const t = await startTestServer();
  try {
    const before = await registryState(t);
    // Nested far past the limit (and past what recursive code survives): built as text.
    const levels = 3000;
    const deep = `{"schema":${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}}`;
    const d = assertProblem(await raw(t, '/v1/schemas/deep/versions', deep), 413, 'SWY_SCHEMA_TOO_LARGE');
    assert.match(d.detail, /deeper than 128/);
    assertProblem(await raw(t, '/v1/schemas/deep-enum/versions', `{"schema":{"enum":[${'['.repeat(20_000)}${']'.repeat(20_000)}]}}`), 413, 'SWY_SCHEMA_TOO_LARGE');

    // Just inside the depth limit is fine (and survives codegen, sample and the compatibility check).
    const ok = 60; // 2 levels per step + the wrapper: 121 < 128
    const nested = `{"schema":${'{"type":"object","properties":{"a":'.repeat(ok)}{"type":"string"}${'}}'.repeat(ok)}}`;
    assert.equal((await raw(t, '/v1/schemas/nested/versions', nested)).status, 201);
    assert.equal((await call(t.url, '/v1/schemas/nested/versions/1/code')).status, 200);
    assert.equal((await call(t.url, '/v1/schemas/nested/versions/1/sample')).status, 200);
    assert.equal((await raw(t, '/v1/schemas/nested/compatibility', nested)).status, 200);
    assertProblem(await raw(t, '/v1/schemas/nested/compatibility', deep), 413, 'SWY_SCHEMA_TOO_LARGE');

    // Wide: more JSON text than the limit, under the request body limit (1 MiB).
    const props: Record<string, unknown> = {};
    for (let i = 0; SCHEMA_LIMITS.maxBytes >= JSON.stringify(props).length; i++) props[`field${i}`] = { type: 'string', minLength: 1 };
    const wide = assertProblem(await call(t.url, '/v1/schemas/wide/versions', { json: { schema: { type: 'object', properties: props } } }), 413, 'SWY_SCHEMA_TOO_LARGE');
    assert.match(wide.detail, /the limit is 131072/);
    // Over the request body limit: refused before parsing.
    assertProblem(await raw(t, '/v1/schemas/huge/versions', `{"schema":{"description":"${'x'.repeat(1024 * 1024)}"}}`), 413, 'SWY_INGEST_REQUEST_TOO_LARGE');

    const after = JSON.parse(await registryState(t)) as { name: string }[];
    assert.deepEqual(after.map((s) => s.name), [...(JSON.parse(before) as { name: string }[]).map((s) => s.name), 'nested']);
    assert.equal((await call(t.url, '/healthz')).status, 200);
  } finally {
    await t.close();
  }
});

test('schemas hostile - names and sources with control characters, slashes or bad length are refused; odd but legal names round-trip', async () => {
  const t = await startTestServer();
  try {
    const before = await registryState(t);
    const body = { json: { schema: { type: 'object' } } };
    for (const name of ['a%00b', 'a%0Ab', 'a%09b', 'a%20b', 'a%E2%80%A8b', 'a%C2%85b', 'a%2Fb', 'a%7Fb']) {
      assertProblem(await call(t.url, `/v1/schemas/${name}/versions`, body), 400, 'SWY_API_VALIDATION');
      assertProblem(await call(t.url, `/v1/schemas/${name}`), 400, 'SWY_API_VALIDATION');
    }
    for (const source of ['', 'b%00', 'x%0Dy', 'x%E2%80%A9y', encodeURIComponent('s'.repeat(1025))]) {
      assertProblem(await call(t.url, `/v1/schemas/ok/versions?source=${source}`, body), 400, 'SWY_API_VALIDATION');
    }
    assert.equal(await registryState(t), before, 'nothing was stored');

    // Quotes, comment markers, percent signs, colons and non-ASCII are legal and come back intact,
    // also through the generated code (whose header comment names the schema and its source).
    const odd = `x"*'<>:%é${'\u{1F600}'}`;
    const source = 'urn:x?y=1&z="*/\u00e9';
    const a = await call<{ name: string; source: string; dataschema: string }>(t.url, `/v1/schemas/${encodeURIComponent(odd)}/versions?source=${encodeURIComponent(source)}`, body);
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json.name, odd);
    assert.equal(a.json.source, source);
    const code = await call(t.url, `/v1/schemas/${encodeURIComponent(odd)}/versions/1/code?source=${encodeURIComponent(source)}`);
    assert.equal(code.status, 200);
    assert.equal(code.text.split('\n')[0], `// Generated by Switchyard from schema ${JSON.stringify(odd)} version 1 (source ${JSON.stringify(source)}). Do not edit.`);
    assert.match(code.text, /^export type X = /m);
    // The AsyncAPI document stays valid with such names (component keys are sanitised).
    const doc = await call(t.url, '/v1/buses/default/asyncapi');
    const errors = (await new AsyncApiParser().validate(doc.text)).filter((d) => d.severity === 0);
    assert.deepEqual(errors.map((d) => `${d.path.join('/')}: ${d.message}`), []);
    assert.ok(doc.text.includes(JSON.stringify(odd).slice(1, -1)), 'the message names the schema');
  } finally {
    await t.close();
  }
});

test('schemas hostile - a schema deleted and created again does not validate with the old version', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { validation: 'enforce' } });
    assert.equal((await call(t.url, '/v1/schemas/t.one/versions', { json: { schema: { type: 'object', required: ['a'] } } })).status, 201);
    const put = (id: string, data: unknown): Promise<Answer> => call(t.url, '/v1/buses/default/events', { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id, source: '/s', type: 't.one', data }) });
    assertProblem(await put('e1', { b: 1 }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.equal((await call(t.url, '/v1/schemas/t.one', { method: 'DELETE' })).status, 204);
    assert.equal((await call(t.url, '/v1/schemas/t.one/versions', { json: { schema: { type: 'object', required: ['b'] } } })).status, 201);
    assert.equal((await put('e2', { b: 1 })).status, 202, 'the new version 1 applies');
    assertProblem(await put('e3', { a: 1 }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');

    // Deleting a source-scoped schema makes the unscoped one apply to that source again.
    assert.equal((await call(t.url, '/v1/schemas/t.one/versions?source=%2Fs', { json: { schema: { type: 'object', required: ['c'] } } })).status, 201);
    assertProblem(await put('e4', { b: 1 }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.equal((await call(t.url, '/v1/schemas/t.one?source=%2Fs', { method: 'DELETE' })).status, 204);
    assert.equal((await put('e5', { b: 1 })).status, 202);
  } finally {
    await t.close();
  }
});

test('schemas hostile - discovery never fails a put: deep data, map-like data and unnamable types are accepted', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { discovery: true, sampleRate: 1 } })).status, 200);
    const put = (id: string, type: string, dataText: string): Promise<Answer> => call(t.url, '/v1/buses/default/events', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: `{"specversion":"1.0","id":"${id}","source":"/s","type":${JSON.stringify(type)},"data":${dataText}}`,
    });
    // Deep data (under the event depth limit) is discovered within the schema depth limit.
    const deep = `${'{"a":'.repeat(62)}1${'}'.repeat(62)}`;
    assert.equal((await put('d1', 't.deep', deep)).status, 202);
    assert.equal((await call(t.url, '/v1/schemas/t.deep/versions/latest')).status, 200);
    // Wide data (120 × 120 members, ~115 KB) infers a schema past the size limit: the put is
    // accepted and nothing is registered (discovery gives the type up).
    const row = `{${Array.from({ length: 120 }, (_, k) => `"k${k}":0`).join(',')}}`;
    const wide = `{${Array.from({ length: 120 }, (_, k) => `"r${k}":${row}`).join(',')}}`;
    assert.equal((await put('w1', 't.wide', wide)).status, 202);
    assert.equal((await put('w2', 't.wide', wide)).status, 202);
    assertProblem(await call(t.url, '/v1/schemas/t.wide'), 404, 'SWY_SCHEMA_NOT_FOUND');
    // A type with a space cannot name a schema: the event is accepted, nothing is discovered.
    assert.equal((await put('n1', 'has space', '{"a":1}')).status, 202);
    // Keys that are data: one version per new key until the object is recognised as a map.
    for (let i = 0; i < 300; i++) assert.equal((await put(`m${i}`, 't.map', `{"counts":{"k${i}":${i}}}`)).status, 202);
    const versions = (await call<{ items: { version: number }[] }>(t.url, '/v1/schemas/t.map/versions')).json.items.length;
    assert.ok(versions <= 205, `${versions} versions`);
    const latest = (await call<{ schema: { properties: { counts: unknown } } }>(t.url, '/v1/schemas/t.map/versions/latest')).json.schema;
    assert.deepEqual(latest.properties.counts, { type: 'object' });
    assert.deepEqual((await call<{ items: { name: string }[] }>(t.url, '/v1/schemas')).json.items.map((s) => s.name), ['t.deep', 't.map']);
  } finally {
    await t.close();
  }
});

// `timeout`: on a backtracking engine the 30-character put below takes tens of seconds (each
// more character doubles it) and the test fails; on the linear engine it takes milliseconds.
test('schemas hostile - patterns run in linear time: ^(a+)+$ cannot stall a put; unsupported patterns are refused at registration', { timeout: 10_000 }, async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/buses/default/schema-settings', { method: 'PUT', json: { validation: 'enforce' } });
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } }, patternProperties: { '^(b+)+c$': { type: 'string' } } };
    assert.equal((await call(t.url, '/v1/schemas/t.redos/versions', { json: { schema } })).status, 201);
    const put = (id: string, data: unknown): Promise<Answer> => call(t.url, '/v1/buses/default/events', { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id, source: '/s', type: 't.redos', data }) });
    const p = assertProblem(await put('r1', { s: `${'a'.repeat(30)}!` }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.deepEqual(p.violations?.map((v) => v.path), ['/data/s']);
    // patternProperties too (200,000-character strings: src/schemas/linear-regexp.test.ts).
    assertProblem(await put('r2', { s: 'a', [`${'b'.repeat(30)}!c`]: 1, [`${'b'.repeat(30)}c`]: 1 }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.equal((await put('r3', { s: 'aaa', bbbc: 'x' })).status, 202);
    assertProblem(await put('r4', { s: 'aaa', bbbc: 1 }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');

    for (const [bad, path] of [
      [{ properties: { a: { type: 'string', pattern: '^(a)\\1$' } } }, '/properties/a/pattern'],
      [{ properties: { a: { type: 'string', pattern: '^(?=.*\\d).+$' } } }, '/properties/a/pattern'],
      [{ patternProperties: { '^(?!x)': {} } }, '/patternProperties/^(?!x)'],
      [{ propertyNames: { pattern: '(?<=a)b' } }, '/propertyNames/pattern'],
    ] as const) {
      const r = assertProblem(await call(t.url, '/v1/schemas/t.bad/versions', { json: { schema: bad } }), 400, 'SWY_SCHEMA_INVALID');
      assert.deepEqual(r.violations?.map((v) => [v.path, v.code]), [[path, 'SWY_SCHEMA_PATTERN_UNSUPPORTED']]);
      assert.match(r.violations?.[0]?.reason ?? '', /linear-time engine/);
    }
    assert.equal((await call(t.url, '/v1/schemas/t.bad')).status, 404, 'nothing stored');
  } finally {
    await t.close();
  }
});
