import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { systemClock } from '../../core/index.js';
import { awsRoutes, type AwsApiDeps } from './routes.js';

const unused = (): never => {
  throw new Error('no operation may run for a refused call');
};

/** The AWS endpoint alone; its context is never reached by the calls below (they are refused first). */
async function server(open: boolean, accessKeys: Record<string, string> = {}): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify();
  const context = {
    catalog: { buses: { create: unused, get: unused, list: unused, delete: unused }, rules: { put: unused, get: unused, list: unused, delete: unused } },
    ingest: { put: unused }, validateFilter: unused, parseTargets: unused, scope: { account: '000000000000', region: 'us-east-1' },
    clock: systemClock, maxEventBytes: 262144, maxJsonDepth: 64, defaultRetentionMaxAgeMs: 60000,
  } satisfies AwsApiDeps['context'];
  await app.register(awsRoutes, { context, accessKeys, open, maxRequestBytes: 1024 * 1024, clock: systemClock });
  return app;
}

const call = { method: 'POST', url: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListEventBuses' }, payload: '{}' } as const;

test('aws routes - off loopback without access keys, every call is refused (403), none runs', async () => {
  const app = await server(false);
  const res = await app.inject(call);
  assert.equal(res.statusCode, 403);
  assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
  assert.equal((res.json() as { __type: string }).__type, 'MissingAuthenticationTokenException');
  await app.close();
});

test('aws routes - with access keys, an unsigned call is refused even on loopback', async () => {
  const app = await server(true, { AKIATESTKEY000000001: 'secret-access-key-0000000001' });
  const res = await app.inject(call);
  assert.equal(res.statusCode, 403);
  assert.equal((res.json() as { __type: string }).__type, 'MissingAuthenticationTokenException');
  await app.close();
});
