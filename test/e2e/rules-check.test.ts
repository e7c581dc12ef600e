// POST /v1/rules/check: the checks of a rule save without the save (the console's editor
// validates as the user types). Real server on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, call } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ auth: { apiKeys: { 'admin-key-0123456789': ['admin'], 'read-key-0123456789': ['read'], 'put-key-01234567890': ['put'] } } });
});
after(async () => {
  await t.close();
});
const as = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

test('rules check - a valid rule is accepted and nothing is saved', async () => {
  const a = await call<{ valid: boolean; warnings: unknown[] }>(t.url, '/v1/rules/check', { headers: as('read-key-0123456789'), json: { filter: { pattern: { type: ['a'] } }, targets: [{ id: 'h', kind: 'http', url: 'http://127.0.0.1:9/x' }] } });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.json, { valid: true, warnings: [] });
  const rules = await call<{ items: unknown[] }>(t.url, '/v1/buses/default/rules', { headers: as('read-key-0123456789') });
  assert.deepEqual(rules.json.items, []);
});

test('rules check - a bad filter, bad targets, a bad body: 400 with the violations a save would give', async () => {
  const badFilter = await call(t.url, '/v1/rules/check', { headers: as('read-key-0123456789'), json: { filter: { pattern: { type: 'not-an-array' } } } });
  assertProblem(badFilter, 400, 'SWY_RULES_INVALID_PATTERN');
  const badTargets = await call(t.url, '/v1/rules/check', { headers: as('read-key-0123456789'), json: { filter: { pattern: { source: ['x'] } }, targets: [{ id: 'h', kind: 'http' }, { id: 'h', kind: 'nope' }] } });
  const p = assertProblem(badTargets, 400, 'SWY_API_INVALID_TARGETS');
  assert.ok((p.violations ?? []).length >= 2, badTargets.text);
  for (const body of ['', '[]', '{}', '{"filter":1}', '{"filter":{},"extra":1}', '{"filter":{"pattern":{}},"targets":{}}', '{"filter":']) {
    const a = await call(t.url, '/v1/rules/check', { headers: { ...as('read-key-0123456789'), 'content-type': 'application/json' }, body });
    assert.equal(a.status, 400, `${body}: ${a.text}`);
    assert.match(a.contentType, /problem\+json/);
  }
});

test('rules check and whoami - keys: read may check, put may not; whoami names the scopes', async () => {
  assertProblem(await call(t.url, '/v1/rules/check', { headers: as('put-key-01234567890'), json: { filter: { pattern: {} } } }), 403, 'SWY_API_FORBIDDEN');
  assertProblem(await call(t.url, '/v1/rules/check', { json: { filter: { pattern: {} } } }), 401, 'SWY_API_UNAUTHORIZED');
  const who = await call(t.url, '/v1/whoami', { headers: as('read-key-0123456789') });
  assert.deepEqual(who.json, { auth: 'key', scopes: ['read'] });
  assertProblem(await call(t.url, '/v1/whoami', { headers: as('nope') }), 401, 'SWY_API_UNAUTHORIZED');
});
