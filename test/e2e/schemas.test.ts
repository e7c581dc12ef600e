import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import { SchemaCompiler } from '../../src/schemas/index.js';
import { startTestServer, type TestServer } from './harness.js';
import { assertProblem, call } from './_client.js';

const order = {
  type: 'object',
  required: ['orderId', 'amount'],
  properties: { orderId: { type: 'string' }, amount: { type: 'number', minimum: 0 }, currency: { enum: ['EUR', 'USD'] } },
};

const putEvent = (t: TestServer, bus: string, ev: Record<string, unknown>) =>
  call(t.url, `/v1/buses/${bus}/events`, { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', source: '/shop', id: `e${Math.random()}`, ...ev }) });
const settings = (t: TestServer, bus: string, body: Record<string, unknown>) => call(t.url, `/v1/buses/${bus}/schema-settings`, { method: 'PUT', json: body });

test('schemas e2e - versions are numbered, immutable, idempotent and checked for compatibility', async () => {
  const t = await startTestServer();
  try {
    let a = await call<{ version: number; dataschema: string; dialect?: string; source?: string }>(t.url, '/v1/schemas/order.created/versions', { json: { schema: order, compatibility: 'FULL' } });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json.version, 1);
    assert.equal(a.json.dataschema, 'urn:switchyard:schema:order.created:1');
    a = await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: order } });
    assert.equal(a.status, 200, 'the same schema again answers the existing version');
    assert.equal((a.json as { version: number }).version, 1);

    // Removing a required field: old readers (FORWARD half of FULL) would reject new data.
    const removed = { ...order, required: ['orderId'] };
    const p = assertProblem(await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: removed } }), 409, 'SWY_SCHEMA_INCOMPATIBLE');
    assert.deepEqual(p.violations?.find((v) => v.path === '/required'), { path: '/required', reason: 'forward: "amount" is required by the reader but optional or absent for the writer' });
    const check = await call<{ compatible: boolean; breaks: unknown[] }>(t.url, '/v1/schemas/order.created/compatibility', { json: { schema: removed } });
    assert.equal(check.json.compatible, false);

    // Under BACKWARD the same change is fine: new readers need less.
    assert.equal((await call(t.url, '/v1/schemas/order.created', { method: 'PUT', json: { compatibility: 'BACKWARD' } })).status, 200);
    a = await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: removed } });
    assert.equal(a.status, 201, a.text);
    assert.equal((a.json as { version: number }).version, 2);

    const list = await call<{ items: { version: number; origin: string }[] }>(t.url, '/v1/schemas/order.created/versions');
    assert.deepEqual(list.json.items.map((v) => [v.version, v.origin]), [[1, 'api'], [2, 'api']]);
    assert.deepEqual((await call<{ schema: unknown }>(t.url, '/v1/schemas/order.created/versions/1')).json.schema, order);
    assert.equal((await call<{ version: number }>(t.url, '/v1/schemas/order.created/versions/latest')).json.version, 2);
    assertProblem(await call(t.url, '/v1/schemas/order.created/versions/9'), 404, 'SWY_SCHEMA_VERSION_NOT_FOUND');
    assertProblem(await call(t.url, '/v1/schemas/nope'), 404, 'SWY_SCHEMA_NOT_FOUND');

    const bad = assertProblem(await call(t.url, '/v1/schemas/x/versions', { json: { schema: { type: 'wat' } } }), 400, 'SWY_SCHEMA_INVALID');
    assert.ok(bad.violations?.some((v) => v.path === '/type'));
    a = await call(t.url, '/v1/schemas/legacy/versions', { json: { schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' } } });
    assert.equal(a.json.dialect, 'draft-07');
    // The same name scoped by a source is another schema.
    a = await call(t.url, '/v1/schemas/order.created/versions?source=%2Fpartner', { json: { schema: { type: 'object' } } });
    assert.equal(a.json.version, 1);
    assert.equal((await call<{ items: unknown[] }>(t.url, '/v1/schemas')).json.items.length, 3);
  } finally {
    await t.close();
  }
});

test('schemas e2e - validation off accepts anything; warn accepts and marks; enforce refuses with every violation', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: order } })).status, 201);
    const bad = { type: 'order.created', data: { amount: -1, currency: 'GBP' } };

    // off (the default)
    assert.equal((await putEvent(t, 'default', bad)).status, 202);

    // warn: stored, and the mark holds the violations
    assert.equal((await settings(t, 'default', { validation: 'warn' })).status, 200);
    let a = await putEvent(t, 'default', { ...bad, id: 'w1' });
    assert.equal(a.status, 202, a.text);
    const seq = (a.json as { results: { sequence: number }[] }).results[0]!.sequence;
    const mark = (await t.server.store.catalog.schemas.invalid('default', seq));
    assert.equal(mark?.schema, 'urn:switchyard:schema:order.created:1');
    assert.deepEqual(mark?.violations.map((v) => v.path).sort(), ['/data/amount', '/data/currency', '/data/orderId']);
    a = await putEvent(t, 'default', { type: 'order.created', id: 'w2', data: { orderId: 'o', amount: 1 } });
    assert.equal((await t.server.store.catalog.schemas.invalid('default', (a.json as { results: { sequence: number }[] }).results[0]!.sequence)), undefined);
    // The trace shows the outcome: the violations of the invalid event, "valid" for the other.
    type Validation = { result: string; schema?: string; violations?: { path: string; reason: string }[] };
    const traced = await call<{ validation: Validation }>(t.url, '/v1/buses/default/events/w1/trace');
    assert.equal(traced.status, 200, traced.text);
    assert.equal(traced.json.validation.result, 'schema-violations');
    assert.equal(traced.json.validation.schema, 'urn:switchyard:schema:order.created:1');
    assert.deepEqual(traced.json.validation.violations?.map((v) => v.path).sort(), ['/data/amount', '/data/currency', '/data/orderId']);
    assert.deepEqual((await call<{ validation: Validation }>(t.url, '/v1/buses/default/events/w2/trace')).json.validation, { result: 'valid' });
    // ... and so do the metrics (docs/metrics.md): one invalid and one valid check in warn mode.
    const metrics = (await call(t.url, '/metrics')).text;
    assert.match(metrics, /^switchyard_schema_checks_total\{bus="default",mode="warn",result="invalid"\} 1$/m);
    assert.match(metrics, /^switchyard_schema_checks_total\{bus="default",mode="warn",result="valid"\} 1$/m);

    // enforce: 400 listing each path; nothing stored
    await settings(t, 'default', { validation: 'enforce' });
    const p = assertProblem(await putEvent(t, 'default', { ...bad, id: 'x1' }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.deepEqual(p.violations?.map((v) => v.path).sort(), ['/data/amount', '/data/currency', '/data/orderId']);
    assert.equal((await call(t.url, '/v1/buses/default/events/x1')).status, 404);
    assert.equal((await putEvent(t, 'default', { type: 'order.created', id: 'ok1', data: { orderId: 'o', amount: 3 } })).status, 202);
    assert.equal((await putEvent(t, 'default', { type: 'other.type', id: 'ok2', data: 'anything' })).status, 202, 'no schema for the type: accepted');
    assertProblem(await putEvent(t, 'default', { type: 'order.created', id: 'x2' }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');

    // batch: prefixed by the index; all or nothing
    a = await call(t.url, '/v1/buses/default/events', {
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([
        { specversion: '1.0', source: '/s', id: 'b0', type: 'order.created', data: { orderId: 'a', amount: 1 } },
        { specversion: '1.0', source: '/s', id: 'b1', type: 'order.created', data: { orderId: 'a', amount: 'x' } },
      ]),
    });
    assert.deepEqual(assertProblem(a, 400, 'SWY_SCHEMA_VALIDATION_FAILED').violations, [{ path: '/1/data/amount', reason: 'must be number' }]);
    assert.equal((await call(t.url, '/v1/buses/default/events/b0')).status, 404);

    // PutEvents: the bad entry fails alone, its violations under /entries/<i>
    const pe = await call<{ failedCount: number; results: { error?: { code: string; violations: { path: string }[] } }[] }>(t.url, '/v1/events', {
      json: { entries: [{ specversion: '1.0', source: '/s', id: 'p0', type: 'order.created', data: { orderId: 'a', amount: 1 } }, { specversion: '1.0', source: '/s', id: 'p1', type: 'order.created', data: { amount: 1 } }] },
    });
    assert.equal(pe.json.failedCount, 1);
    assert.equal(pe.json.results[1]!.error?.code, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.deepEqual(pe.json.results[1]!.error?.violations.map((v) => v.path), ['/entries/1/data/orderId']);

    // dataschema picks the version; a missing version is a violation
    await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: { ...order, required: ['orderId'] } } });
    const v1only = { type: 'order.created', data: { orderId: 'a' } };
    assert.equal((await putEvent(t, 'default', { ...v1only, id: 'd1' })).status, 202, 'latest (v2) no longer requires amount');
    assertProblem(await putEvent(t, 'default', { ...v1only, id: 'd2', dataschema: 'urn:switchyard:schema:order.created:1' }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.equal((await putEvent(t, 'default', { ...v1only, id: 'd3', dataschema: `${t.url}/v1/schemas/order.created/versions/2` })).status, 202);
    const missing = assertProblem(await putEvent(t, 'default', { ...v1only, id: 'd4', dataschema: 'urn:switchyard:schema:order.created:7' }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.equal(missing.violations?.[0]?.path, '/dataschema');

    // a schema scoped by source wins over the unscoped one for that source
    await call(t.url, '/v1/schemas/order.created/versions?source=%2Fstrict', { json: { schema: { type: 'object', required: ['orderId', 'tenant'] } } });
    assertProblem(await putEvent(t, 'default', { type: 'order.created', source: '/strict', id: 's1', data: { orderId: 'a' } }), 400, 'SWY_SCHEMA_VALIDATION_FAILED');
    assert.equal((await putEvent(t, 'default', { type: 'order.created', source: '/shop', id: 's2', data: { orderId: 'a' } })).status, 202);

    assertProblem(await settings(t, 'default', { sampleRate: 0 }), 400, 'SWY_SCHEMA_INVALID_REQUEST');
    assertProblem(await settings(t, 'missing-bus', { validation: 'warn' }), 404, 'SWY_STORE_BUS_NOT_FOUND');
  } finally {
    await t.close();
  }
});

/** A small deterministic PRNG (mulberry32) so the corpus is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (r: () => number, i: number) => Record<string, unknown>;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const GENERATORS: Record<string, Gen> = {
  'user.signup': (r, i) => ({
    userId: `u-${i}-${Math.floor(r() * 1e6)}`, email: `user${i}@example.com`, plan: pick(r, ['free', 'pro', 'team']),
    createdAt: new Date(1_700_000_000_000 + i * 1000).toISOString(), ...(r() < 0.5 ? { referrer: `https://ref.example/${i}` } : {}),
  }),
  'order.created': (r, i) => ({
    orderId: `o-${i}`, amount: Math.round(r() * 100000) / 100, currency: pick(r, ['EUR', 'USD', 'JPY']),
    lines: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, k) => ({ sku: `sku-${k}-${Math.floor(r() * 999)}`, qty: 1 + Math.floor(r() * 5) })),
  }),
  'payment.failed': (r, i) => ({ paymentId: `p-${i}`, code: 400 + Math.floor(r() * 100), reason: `declined ${Math.floor(r() * 1000)}`, retry: r() < 0.5 }),
  'shipment.sent': (r, i) => ({
    id: `s-${i}`, carrier: pick(r, ['dhl', 'ups']), tracking: `https://track.example/${i}`,
    address: { city: `City ${Math.floor(r() * 500)}`, zip: String(10000 + Math.floor(r() * 89999)) },
  }),
  'sensor.reading': (r, i) => ({
    device: `dev-${i % 37}-${Math.floor(r() * 1e4)}`, value: r() < 0.1 ? null : r() * 50, unit: pick(r, ['C', 'F']),
    at: new Date(1_700_000_000_000 + i * 60_000).toISOString(), tags: r() < 0.5 ? [] : [`t${Math.floor(r() * 100)}`],
  }),
};

/** Mutations every inferred schema must reject: a required member gone, a wrong type, an unknown member. */
const MUTATIONS: Record<string, (d: Record<string, unknown>) => Record<string, unknown>> = {
  'drop a required member': (d) => Object.fromEntries(Object.entries(d).slice(1)),
  'first member to a boolean': (d) => ({ ...d, [Object.keys(d)[0]!]: true }),
  'an unknown member': (d) => ({ ...d, unexpected: 1 }),
};

test('schemas e2e - discovery over 1,000 events of 5 types infers schemas that accept them all and reject mutations', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await settings(t, 'default', { discovery: true, sampleRate: 1 })).status, 200);
    const r = prng(7);
    const types = Object.keys(GENERATORS);
    const events = Array.from({ length: 1000 }, (_, i) => {
      const type = types[i % types.length]!;
      return { specversion: '1.0', source: '/gen', id: `g${i}`, type, data: GENERATORS[type]!(r, i) };
    });
    for (let i = 0; i < events.length; i += 100) {
      const a = await call(t.url, '/v1/buses/default/events', { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events.slice(i, i + 100)) });
      assert.equal(a.status, 202, a.text);
    }
    const compiler = new SchemaCompiler();
    for (const type of types) {
      const latest = await call<{ version: number; schema: Record<string, unknown>; origin: string }>(t.url, `/v1/schemas/${type}/versions/latest`);
      assert.equal(latest.status, 200, `${type}: ${latest.text}`);
      assert.equal(latest.json.origin, 'discovery');
      const validate = compiler.validator(type, '2020-12', latest.json.schema as never);
      const mine = events.filter((e) => e.type === type);
      for (const e of mine) assert.ok(validate(e.data), `${type} ${e.id}: ${JSON.stringify(validate.errors)}`);
      for (const [what, mutate] of Object.entries(MUTATIONS)) {
        for (const e of mine.slice(0, 20)) assert.equal(validate(mutate(e.data)), false, `${type}: ${what} must be rejected`);
      }
    }
    const user = (await call<{ schema: { required: string[]; properties: Record<string, { format?: string; enum?: string[] }> } }>(t.url, '/v1/schemas/user.signup/versions/latest')).json.schema;
    assert.ok(!user.required.includes('referrer'), 'an optional member is not required');
    assert.equal(user.properties.email?.format, 'email');
    assert.equal(user.properties.createdAt?.format, 'date-time');
    assert.equal(user.properties.referrer?.format, 'uri');
    assert.deepEqual(user.properties.plan?.enum, ['free', 'pro', 'team']);
    assert.equal(user.properties.userId?.enum, undefined, 'many distinct strings are no enum');

    // A new shape registers a new version.
    const before = (await call<{ version: number }>(t.url, '/v1/schemas/payment.failed/versions/latest')).json.version;
    await putEvent(t, 'default', { type: 'payment.failed', id: 'shape', data: { paymentId: 'p', code: 1, reason: 'r', retry: false, gateway: 'x' } });
    assert.equal((await call<{ version: number }>(t.url, '/v1/schemas/payment.failed/versions/latest')).json.version, before + 1);
  } finally {
    await t.close();
  }
});

test('schemas e2e - generated TypeScript compiles with tsc; the sample event passes enforce', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: order } });
    const code = await call(t.url, '/v1/schemas/order.created/versions/1/code?lang=typescript');
    assert.equal(code.status, 200);
    assert.match(code.contentType, /^text\/plain/);
    assert.match(code.text, /export function isOrderCreated\(value: unknown\): value is OrderCreated/);
    const host = ts.createCompilerHost({});
    const file = '/virtual/order.ts';
    const orig = host.getSourceFile.bind(host);
    host.getSourceFile = (f, lang) => (f === file ? ts.createSourceFile(f, code.text, lang) : orig(f, lang));
    const prog = ts.createProgram([file], { strict: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022 }, host);
    assert.deepEqual(ts.getPreEmitDiagnostics(prog).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
    assertProblem(await call(t.url, '/v1/schemas/order.created/versions/1/code?lang=cobol'), 400, 'SWY_SCHEMA_INVALID_REQUEST');
    // The other languages (compiled by their toolchains in src/schemas/codegen/languages.test.ts).
    const expected = { python: [/^class OrderCreated:/m, 'order_created.py'], java: [/^public record OrderCreated\(/m, 'OrderCreated.java'], go: [/^type OrderCreated struct \{/m, 'order_created.go'] } as const;
    for (const [lang, [shape, file]] of Object.entries(expected)) {
      const c = await call(t.url, `/v1/schemas/order.created/versions/1/code?lang=${lang}`);
      assert.equal(c.status, 200, lang);
      assert.match(c.text, shape, lang);
      assert.equal(c.headers.get('content-disposition'), `inline; filename="${file}"`, lang);
    }

    const sample = await call<Record<string, unknown>>(t.url, '/v1/schemas/order.created/versions/1/sample');
    assert.equal(sample.json.dataschema, 'urn:switchyard:schema:order.created:1');
    await settings(t, 'default', { validation: 'enforce' });
    const a = await call(t.url, '/v1/buses/default/events', { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(sample.json) });
    assert.equal(a.status, 202, a.text);
  } finally {
    await t.close();
  }
});

/** Validates with the AsyncAPI project's own parser; returns the error-level diagnostics. */
async function asyncApiErrors(doc: Record<string, unknown>): Promise<string[]> {
  const diagnostics = await new AsyncApiParser().validate(JSON.stringify(doc));
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`);
}

test('schemas e2e - the AsyncAPI document of a bus has the AsyncAPI 3.0 shape and one message per schema', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: order } });
    await call(t.url, '/v1/schemas/user%3Asigned-up/versions?source=%2Fauth', { json: { schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' } } });
    const a = await call<Record<string, unknown>>(t.url, '/v1/buses/default/asyncapi');
    assert.equal(a.status, 200);
    assert.deepEqual(await asyncApiErrors(a.json), []);
    const messages = (a.json.components as { messages: Record<string, { name: string; payload: { schemaFormat: string; schema: unknown } }> }).messages;
    assert.deepEqual(Object.values(messages).map((m) => [m.name, m.payload.schemaFormat]).sort(), [
      ['order.created', 'application/schema+json;version=2020-12'],
      ['user:signed-up', 'application/schema+json;version=draft-07'],
    ]);
    assert.notDeepEqual(await asyncApiErrors({ ...a.json, operations: { x: { action: 'publish', channel: { $ref: '#/channels/nope' } } } }), [], 'the parser catches a bad document');
    assertProblem(await call(t.url, '/v1/buses/nope/asyncapi'), 404, 'SWY_STORE_BUS_NOT_FOUND');
  } finally {
    await t.close();
  }
});

test('schemas e2e - a rule naming a data path the schema does not declare gets a warning', async () => {
  const t = await startTestServer();
  try {
    await call(t.url, '/v1/schemas/order.created/versions', { json: { schema: order } });
    let a = await call<{ warnings?: { path: string; reason: string }[] }>(t.url, '/v1/buses/default/rules/typo', { method: 'PUT', json: { filter: { pattern: { type: ['order.created'], data: { ammount: [{ numeric: ['>', 1] }] } } } } });
    assert.equal(a.status, 201, a.text);
    assert.deepEqual(a.json.warnings?.map((w) => w.path), ['data.ammount']);
    a = await call(t.url, '/v1/buses/default/rules/fine', { method: 'PUT', json: { filter: { pattern: { type: ['order.created'], data: { amount: [{ numeric: ['>', 1] }] } } } } });
    assert.equal(a.status, 201);
    assert.equal(a.json.warnings, undefined);
    a = await call(t.url, '/v1/buses/default/rules/untyped', { method: 'PUT', json: { filter: { pattern: { data: { ammount: [1] } } } } });
    assert.equal(a.json.warnings, undefined, 'no type, no schema to lint against');
  } finally {
    await t.close();
  }
});
