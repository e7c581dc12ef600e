// Hostile input for the targets pack through the API: the new connection kinds (hmac, aws) and
// the new target fields (smtp, s3, http presets, signers, replies, dynamic parts) are refused
// with one violation per problem; secrets are never shown.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

test('targets pack - hmac and aws connections: bad bodies refused per field, secrets shown as ***', async () => {
  const bad = await call<{ code: string; violations: { path: string }[] }>(t.url, '/v1/connections/aws-bad', { method: 'PUT', json: { kind: 'aws', secretAccessKey: '', region: 'x' } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.code, 'SWY_DELIVERY_CONNECTION_INVALID');
  assert.deepEqual(bad.json.violations.map((v) => v.path).sort(), ['/accessKeyId', '/region', '/secretAccessKey']);
  const hm = await call<{ violations: { path: string }[] }>(t.url, '/v1/connections/h', { method: 'PUT', json: { kind: 'hmac', secret: 'a\r\nb' } });
  assert.equal(hm.status, 400);
  assert.deepEqual(hm.json.violations.map((v) => v.path), ['/secret']);
  const ok = await call(t.url, '/v1/connections/aws-ok', { method: 'PUT', json: { kind: 'aws', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'very-secret-key', sessionToken: 'very-secret-token' } });
  assert.equal(ok.status, 201, ok.text);
  const view = await call<Record<string, unknown>>(t.url, '/v1/connections/aws-ok');
  assert.equal(view.json.secretAccessKey, '***');
  assert.equal(view.json.sessionToken, '***');
  assert.equal(view.json.accessKeyId, 'AKIAEXAMPLE');
  assert.ok(!view.text.includes('very-secret'));
});

test('targets pack - bad smtp, s3 and http preset/signer/reply/query fields are refused when the rule is saved', async () => {
  const a = await call<{ code: string; violations: { path: string }[] }>(t.url, '/v1/buses/default/rules/pack-bad', {
    method: 'PUT',
    json: {
      filter: { pattern: { type: ['x'] } },
      targets: [
        { id: 'mail', kind: 'smtp', url: 'smtp://user:pw@mail.example.com', from: 'a@example.com', to: 'b@example.com', subject: 'hi\r\nBcc: x@example.com' },
        { id: 'obj', kind: 's3', url: 'https://s3.example.com', bucket: 'UPPER', key: 'k', connection: 'aws-ok' },
        { id: 'bot', kind: 'http', url: 'https://oapi.dingtalk.com/robot/send', preset: 'dingtalk', signer: { type: 'hmac', header: 'x-sig' }, connection: 'c' },
        { id: 'fn', kind: 'http', url: 'https://${host}/x', reply: { bus: '../etc' }, query: [] },
      ],
    },
  });
  assert.equal(a.status, 400, a.text);
  assert.equal(a.json.code, 'SWY_API_INVALID_TARGETS');
  assert.deepEqual(a.json.violations.map((v) => v.path).sort(), [
    '/targets/0/subject', '/targets/0/url',
    '/targets/1/bucket',
    '/targets/2/signer',
    '/targets/3/query', '/targets/3/reply/bus', '/targets/3/url',
  ]);
});
