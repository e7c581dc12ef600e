import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { ManualClock } from '../../core/index.js';
import { ConnectionVault, SecretBox, SigningKeyring } from '../../delivery/index.js';
import { SqliteStore } from '../../store/index.js';
import { installProblemHandler } from '../problem-handler.js';
import { connectionRoutes } from './connections.js';

const clock = new ManualClock();
const store = new SqliteStore({ dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 100, dedupeWindowMs: 0, defaultRetentionMaxAgeMs: 86_400_000, sweepBatch: 100, clock });
const box = new SecretBox(randomBytes(32));
const vault = new ConnectionVault({ catalog: store.catalog.connections, box, clock, allowPrivateNetworks: true });
const keyring = new SigningKeyring(store.catalog.connections, box);
const app = Fastify();
installProblemHandler(app);
await app.register(connectionRoutes, { vault, keyring, clock, store });
after(async () => {
  await app.close();
  await vault.close();
  await store.close();
});

test('connections API - put, get, list and delete; the secret never comes back', async () => {
  const put = await app.inject({ method: 'PUT', url: '/v1/connections/crm', payload: { kind: 'oauth2', tokenUrl: 'https://auth.example.com/token', clientId: 'cid', clientSecret: 'very-secret-value' } });
  assert.equal(put.statusCode, 201);
  assert.equal(put.json().clientSecret, '***');
  assert.equal((await app.inject({ method: 'PUT', url: '/v1/connections/crm', payload: { kind: 'oauth2', tokenUrl: 'https://auth.example.com/token', clientId: 'cid2' } })).statusCode, 200);
  const get = await app.inject({ method: 'GET', url: '/v1/connections/crm' });
  assert.equal(get.json().clientId, 'cid2');
  const list = await app.inject({ method: 'GET', url: '/v1/connections' });
  assert.deepEqual(list.json().items.map((c: { name: string }) => c.name), ['crm']);
  for (const r of [put, get, list]) assert.ok(!r.body.includes('very-secret-value'));
  assert.equal((await app.inject({ method: 'DELETE', url: '/v1/connections/crm' })).statusCode, 204);
  const gone = await app.inject({ method: 'GET', url: '/v1/connections/crm' });
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.json().code, 'SWY_DELIVERY_CONNECTION_NOT_FOUND');
});

test('connections API - an invalid connection is a 400 with one violation per problem', async () => {
  const r = await app.inject({ method: 'PUT', url: '/v1/connections/x', payload: { kind: 'basic', username: 'a:b' } });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().code, 'SWY_DELIVERY_CONNECTION_INVALID');
  assert.deepEqual(r.json().violations.map((v: { path: string }) => v.path).sort(), ['/password', '/username']);
});

test('signing secrets API - shown for an http target, rotated with an overlap', async () => {
  const base = '/v1/buses/default/rules/orders/targets/hook/signing-secrets';
  assert.equal((await app.inject({ method: 'GET', url: base })).json().code, 'SWY_API_RULE_NOT_FOUND');
  await store.catalog.rules.put({ bus: 'default', name: 'orders', description: null, state: 'enabled', filter: { pattern: {} }, targets: [{ id: 'hook', kind: 'http', url: 'https://example.com' }, { id: 'log1', kind: 'log' }] });
  assert.equal((await app.inject({ method: 'GET', url: '/v1/buses/default/rules/orders/targets/log1/signing-secrets' })).json().code, 'SWY_DELIVERY_TARGET_NOT_FOUND');
  const first = (await app.inject({ method: 'GET', url: base })).json().items;
  assert.equal(first.length, 1);
  assert.match(first[0].secret, /^whsec_/);
  const rotated = await app.inject({ method: 'POST', url: `${base}/rotate`, payload: { overlapMs: 3_600_000 } });
  assert.equal(rotated.statusCode, 200);
  const items = rotated.json().items;
  assert.equal(items.length, 2);
  assert.equal(items[1].secret, first[0].secret);
  assert.equal(items[1].expiresAt, new Date(clock.now() + 3_600_000).toISOString());
  assert.equal(items[0].expiresAt, null);
  const chosen = `whsec_${randomBytes(24).toString('base64')}`;
  const own = await app.inject({ method: 'POST', url: `${base}/rotate`, payload: { overlapMs: 0, secret: chosen } });
  assert.deepEqual(own.json().items.filter((i: { expiresAt: string | null }) => i.expiresAt === null).map((i: { secret: string }) => i.secret), [chosen]);
});
