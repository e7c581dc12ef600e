import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { SwitchyardServer } from '../../src/server/index.js';
import { startTestServer } from './harness.js';

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

const put = (url: string, ev: Record<string, unknown>): Promise<Response> =>
  fetch(`${url}/v1/buses/default/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', source: '/shop', ...ev }) });

test('rules e2e - events are matched at ingest and the matched rule names are stored with them', async () => {
  const t = await startTestServer();
  try {
    let r = await fetch(`${t.url}/v1/buses/default/rules/big-orders`, json('PUT', { filter: { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } } }));
    assert.equal(r.status, 201);
    r = await fetch(`${t.url}/v1/buses/default/rules/by-sql`, json('PUT', { filter: { sql: "type LIKE 'order.%'" }, description: 'all orders' }));
    assert.equal(r.status, 201);
    r = await fetch(`${t.url}/v1/buses/default/rules/by-prefix`, json('PUT', { filter: { filters: [{ prefix: { source: '/sh' } }] } }));
    assert.equal(r.status, 201);
    await put(t.url, { id: 'o1', type: 'order.created', data: { total: 250 } });
    await put(t.url, { id: 'o2', type: 'order.created', data: { total: 5 } });
    await put(t.url, { id: 'x1', type: 'user.created', data: {} });
    const get = async (id: string): Promise<string[]> => ((await (await fetch(`${t.url}/v1/buses/default/events/${id}`)).json()) as { matchedRules: string[] }).matchedRules.sort();
    assert.deepEqual(await get('o1'), ['big-orders', 'by-prefix', 'by-sql']);
    assert.deepEqual(await get('o2'), ['by-prefix', 'by-sql']);
    assert.deepEqual(await get('x1'), ['by-prefix']);

    r = await fetch(`${t.url}/v1/buses/default/rules/by-sql/disable`, json('POST'));
    assert.equal(((await r.json()) as { state: string }).state, 'disabled');
    await put(t.url, { id: 'o3', type: 'order.created', data: { total: 500 } });
    assert.deepEqual(await get('o3'), ['big-orders', 'by-prefix']);

    r = await fetch(`${t.url}/v1/buses/default/rules/big-orders`, json('DELETE'));
    assert.equal(r.status, 204);
    const list = (await (await fetch(`${t.url}/v1/buses/default/rules`)).json()) as { items: { name: string; state: string }[] };
    assert.deepEqual(list.items.map((x) => [x.name, x.state]), [['by-prefix', 'enabled'], ['by-sql', 'disabled']]);
  } finally {
    await t.close();
  }
});

test('rules e2e - an invalid filter or target is a 400 naming the path; nothing is saved', async () => {
  const t = await startTestServer();
  try {
    let r = await fetch(`${t.url}/v1/buses/default/rules/bad`, json('PUT', { filter: { pattern: { a: [{ numeric: ['>', 'x'] }] } } }));
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type')?.startsWith('application/problem+json'), true);
    r = await fetch(`${t.url}/v1/buses/default/rules/bad`, json('PUT', { filter: { sql: 'type = ' } }));
    assert.equal(r.status, 400);
    r = await fetch(`${t.url}/v1/buses/default/rules/bad`, json('PUT', { filter: { pattern: { a: ['x'] } }, targets: [{ id: 't', kind: 'http', url: 'http://127.0.0.1:9/', transform: { type: 'partial', path: '$..x' } }, { id: 't' }] }));
    assert.equal(r.status, 400);
    const p = (await r.json()) as { code: string; violations: { path: string }[] };
    assert.equal(p.code, 'SWY_API_INVALID_TARGETS');
    assert.deepEqual(p.violations.map((v) => v.path).sort(), ['/targets/0/transform/path', '/targets/1/id', '/targets/1/kind']);
    r = await fetch(`${t.url}/v1/buses/default/rules/bad`);
    assert.equal(r.status, 404);
    r = await fetch(`${t.url}/v1/buses/nope/rules/x`, json('PUT', { filter: { sql: 'true' } }));
    assert.equal(r.status, 404);
  } finally {
    await t.close();
  }
});

test('rules e2e - unknown target fields (AWS names, typos, in nested objects too) are a 400 naming each; nothing is saved', async () => {
  const t = await startTestServer();
  try {
    const r = await fetch(`${t.url}/v1/buses/default/rules/aws`, json('PUT', {
      filter: { pattern: { type: ['x'] } },
      targets: [{ id: 't', kind: 'http', url: 'https://hooks.example/in', RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:x' }, retyr: 3, timeoutMS: 500, retry: { maxAttempts: 1, capMS: 10 } }],
    }));
    assert.equal(r.status, 400);
    const p = (await r.json()) as { code: string; violations: { path: string; reason: string }[] };
    assert.equal(p.code, 'SWY_API_INVALID_TARGETS');
    assert.deepEqual(p.violations.map((v) => v.path), ['/targets/0/RetryPolicy', '/targets/0/DeadLetterConfig', '/targets/0/retyr', '/targets/0/timeoutMS', '/targets/0/retry/capMS']);
    assert.match(p.violations[0]!.reason, /unknown property; did you mean "retry"/);
    assert.equal((await fetch(`${t.url}/v1/buses/default/rules/aws`)).status, 404);
  } finally {
    await t.close();
  }
});

test('rules e2e - a CESQL chain of 20,000 ANDs and filters nested 2,000 deep are 400s naming the limit, on save and on test', async () => {
  // With the largest limits.maxJsonDepth a request body may nest 1,008 levels: a filter 200 deep
  // reaches the filter validator, one 2,000 deep is refused with the body.
  const t = await startTestServer({ limits: { maxJsonDepth: 1000 } });
  try {
    const sql = Array.from({ length: 20_000 }, (_, i) => `a = '${i}'`).join(' AND ');
    const nest = (levels: number): unknown => {
      let f: unknown = { exact: { type: 'x' } };
      for (let i = 1; i < levels; i++) f = { all: [f] };
      return f;
    };
    const cases: Array<[unknown, string, string, RegExp]> = [
      // Violation paths are relative to the filter, as for every filter problem.
      [{ sql }, 'SWY_RULES_CESQL_PARSE', '/sql', /nested deeper than 200 levels/],
      [{ filters: [nest(200)] }, 'SWY_RULES_SUBSCRIPTION_FILTER_INVALID', '/0/all/0/all', /nested deeper than 64 levels/],
      [{ filters: [nest(2000)] }, 'SWY_API_TOO_DEEP', '/body', /nested deeper than 1008 levels/],
      [{ filters: [{ sql }] }, 'SWY_RULES_SUBSCRIPTION_FILTER_INVALID', '/0/sql', /nested deeper than 200 levels/],
    ];
    for (const [filter, code, path, reason] of cases) {
      for (const [url, method] of [[`${t.url}/v1/buses/default/rules/hostile`, 'PUT'], [`${t.url}/v1/patterns/test`, 'POST']] as const) {
        const r = await fetch(url, json(method, method === 'PUT' ? { filter } : { filter, event: {} }));
        assert.equal(r.status, 400, `${method} ${code}`);
        assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
        const p = (await r.json()) as { code: string; violations: { path: string; reason: string }[] };
        assert.equal(p.code, code);
        const v = p.violations[0]!;
        assert.ok(v.path.startsWith(path), `${method}: ${v.path} under ${path}`);
        assert.match(v.reason, reason);
      }
    }
    assert.equal((await fetch(`${t.url}/v1/buses/default/rules/hostile`)).status, 404, 'nothing saved');
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
  } finally {
    await t.close();
  }
});

test('rules e2e - POST /v1/patterns/test answers match or the first failing condition', async () => {
  const t = await startTestServer();
  try {
    let r = await fetch(`${t.url}/v1/patterns/test`, json('POST', { filter: { pattern: { data: { n: [{ numeric: ['>', 3] }] } } }, event: { data: { n: 5 } } }));
    assert.deepEqual(await r.json(), { match: true });
    r = await fetch(`${t.url}/v1/patterns/test`, json('POST', { patternText: '{"data":{"n":[9007199254740993]}}', eventText: '{"data":{"n":9007199254740992}}' }));
    const body = (await r.json()) as { match: boolean; reason: { path: string } };
    assert.equal(body.match, false);
    assert.equal(body.reason.path, 'data.n');
    r = await fetch(`${t.url}/v1/patterns/test`, json('POST', { event: {} }));
    assert.equal(r.status, 400);
  } finally {
    await t.close();
  }
});

test('rules e2e - rules survive a restart and keep matching', async () => {
  const t = await startTestServer();
  await fetch(`${t.url}/v1/buses/default/rules/keep`, json('PUT', { filter: { pattern: { type: ['a'] } } }));
  await t.server.stop();
  const again = new SwitchyardServer(loadConfig({ overrides: { server: { port: 0 }, storage: { dataDir: t.dataDir }, log: { level: 'silent' } } }));
  await again.start();
  try {
    await put(again.url, { id: 'k1', type: 'a' });
    const e = (await (await fetch(`${again.url}/v1/buses/default/events/k1`)).json()) as { matchedRules: string[] };
    assert.deepEqual(e.matchedRules, ['keep']);
  } finally {
    await again.stop();
    await t.close();
  }
});
