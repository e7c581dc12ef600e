// verifyWebhook against real signed deliveries: a local HTTP receiver is the target of a rule
// on a real server, and verifies what it got with the secrets the API hands out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/e2e/harness.js';
import { FAST_RETRY, startReceiver, type Receiver } from '../../../test/e2e/_delivery-receiver.js';
import { SwitchyardClient, WebhookVerificationError, verifyWebhook, webhookIsValid } from '../src/index.js';

let t: TestServer;
let client: SwitchyardClient;
let rx: Receiver;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  client = new SwitchyardClient({ baseUrl: t.url });
  rx = await startReceiver(() => ({ status: 204 }));
  await client.rules.put('default', 'hook', { filter: { pattern: { type: ['signed'] } }, targets: [{ id: 'h', kind: 'http', url: `${rx.url}/in`, retry: FAST_RETRY }] });
});
after(async () => {
  await rx.close();
  await t.close();
});

type SignedHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
const headersOf = (i: number): SignedHeaders => {
  const h = rx.requests[i]!.headers;
  return { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) };
};

test('verifyWebhook - a real delivery verifies with the target\'s secret; altered, replayed or foreign messages do not', async () => {
  const [secret] = await client.targets.signingSecrets('default', 'hook', 'h');
  await client.events.put('default', { id: 'w1', source: '/s', type: 'signed', data: { amount: 42 } });
  await rx.until('one delivery', (r) => r.length === 1);
  const h = headersOf(0);
  const body = rx.requests[0]!.body;
  const ok = await verifyWebhook(h, body, [secret!.secret]);
  assert.equal(ok.id, h['webhook-id']);
  assert.equal(ok.timestamp, Number(h['webhook-timestamp']));
  // The same as bytes and with Fetch Headers (a browser / edge receiver).
  assert.ok(await webhookIsValid(new Headers(h), new TextEncoder().encode(body), secret!.secret));

  const reason = async (p: Promise<unknown>): Promise<string> => {
    const e = await p.then(() => 'verified', (err: unknown) => err);
    return e instanceof WebhookVerificationError ? e.reason : String(e);
  };
  assert.equal(await reason(verifyWebhook(h, body.replace('42', '43'), [secret!.secret])), 'no-match');
  assert.equal(await reason(verifyWebhook(h, body, ['whsec_' + btoa('x'.repeat(24))])), 'no-match');
  assert.equal(await reason(verifyWebhook({ ...h, 'webhook-id': 'other' }, body, [secret!.secret])), 'no-match');
  assert.equal(await reason(verifyWebhook(h, body, [secret!.secret], { nowSeconds: ok.timestamp + 301 })), 'too-old');
  assert.equal(await reason(verifyWebhook(h, body, [secret!.secret], { nowSeconds: ok.timestamp - 301 })), 'too-new');
  assert.equal(await reason(verifyWebhook(h, body, [secret!.secret], { nowSeconds: ok.timestamp + 3000, toleranceSeconds: 3600 })), 'verified');
  assert.equal(await reason(verifyWebhook({ ...h, 'webhook-signature': '' }, body, [secret!.secret])), 'missing-header');
  assert.equal(await reason(verifyWebhook({ ...h, 'webhook-timestamp': '12abc' }, body, [secret!.secret])), 'bad-timestamp');
  assert.equal(await reason(verifyWebhook(h, body, ['whsec_c2hvcnQ='])), 'bad-secret');
  await assert.rejects(webhookIsValid(h, body, ['not base64!']), WebhookVerificationError);
});

test('verifyWebhook - during a rotation a delivery carries both signatures: a receiver with the old or the new secret verifies it', async () => {
  const [old] = await client.targets.signingSecrets('default', 'hook', 'h');
  const [fresh] = await client.targets.rotateSigningSecret('default', 'hook', 'h', { overlapMs: 3_600_000 });
  assert.notEqual(fresh!.secret, old!.secret);
  const before = rx.requests.length;
  await client.events.put('default', { id: 'w2', source: '/s', type: 'signed', data: { amount: 7 } });
  await rx.until('the delivery after the rotation', (r) => r.length === before + 1);
  const h = headersOf(before);
  const body = rx.requests[before]!.body;
  assert.equal(h['webhook-signature'].split(' ').length, 2);
  assert.ok(await webhookIsValid(h, body, [old!.secret]));
  assert.ok(await webhookIsValid(h, body, [fresh!.secret]));
  assert.ok(await webhookIsValid(h, body, ['whsec_' + btoa('y'.repeat(24)), fresh!.secret]), 'any of several known secrets');
  // Only the new signature: a receiver still on the old secret refuses it.
  const onlyNew = { ...h, 'webhook-signature': h['webhook-signature'].split(' ')[0]! };
  assert.ok(await webhookIsValid(onlyNew, body, [fresh!.secret]));
  assert.equal(await webhookIsValid(onlyNew, body, [old!.secret]), false);
});

test('verifyWebhook - the Standard Webhooks published example verifies', async () => {
  const h = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
  const r = await verifyWebhook(h, '{"test": 2432232314}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { nowSeconds: 1614265330 });
  assert.equal(r.id, 'msg_p5jXN8AQM9LWM0D4loKWxJek');
  assert.equal(await webhookIsValid({ ...h, 'webhook-signature': 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, '{"test": 2432232314}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { nowSeconds: 1614265330 }), false);
});
