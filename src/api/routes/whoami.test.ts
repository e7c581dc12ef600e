import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installProblemHandler } from '../problem-handler.js';
import { installAuth } from '../auth.js';
import { whoamiRoutes } from './whoami.js';

const keys = { 'admin-key': ['admin'], 'reader-key': ['read'], 'producer-key': ['put'] } as const;
const keyed = Fastify();
installProblemHandler(keyed);
installAuth(keyed, keys);
await keyed.register(whoamiRoutes, { apiKeys: keys });
const open = Fastify();
installProblemHandler(open);
await open.register(whoamiRoutes, { apiKeys: {} });
after(async () => {
  await keyed.close();
  await open.close();
});

test('whoami - a key learns its scopes; no key or a wrong one is 401', async () => {
  for (const [key, scopes] of Object.entries(keys)) {
    const r = await keyed.inject({ url: '/v1/whoami', headers: { authorization: `Bearer ${key}` } });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { auth: 'key', scopes });
  }
  for (const authorization of [undefined, '', 'Bearer', 'Bearer wrong', 'Basic YWRtaW4ta2V5', 'Bearer admin-key extra', `Bearer ${'x'.repeat(10_000)}`]) {
    const r = await keyed.inject({ url: '/v1/whoami', headers: authorization === undefined ? {} : { authorization } });
    assert.equal(r.statusCode, 401, String(authorization).slice(0, 30));
    assert.equal(r.json().code, 'SWY_API_UNAUTHORIZED');
  }
});

test('whoami - with no keys configured every scope is open', async () => {
  const r = await open.inject({ url: '/v1/whoami' });
  assert.deepEqual(r.json(), { auth: 'none', scopes: ['admin', 'put', 'read'] });
});
