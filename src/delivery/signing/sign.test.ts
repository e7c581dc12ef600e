import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateWebhookSecret, signWebhook, webhookSecretKey } from './index.js';

test('signing - the Standard Webhooks example signs to the published value', () => {
  // example from the Standard Webhooks / Svix documentation
  const h = signWebhook(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, Buffer.from('{"test": 2432232314}'));
  assert.deepEqual(h, {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  });
});

test('signing - several secrets give space-separated signatures, newest first', () => {
  const a = generateWebhookSecret();
  const b = generateWebhookSecret();
  const both = signWebhook([a, b], 'id', 1, Buffer.from('x'))['webhook-signature'].split(' ');
  assert.equal(both.length, 2);
  assert.equal(both[0], signWebhook([a], 'id', 1, Buffer.from('x'))['webhook-signature']);
  assert.equal(both[1], signWebhook([b], 'id', 1, Buffer.from('x'))['webhook-signature']);
});

test('signing - secrets are whsec_ + base64 of 24 bytes; short or malformed keys are refused', () => {
  const s = generateWebhookSecret();
  assert.match(s, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.equal(webhookSecretKey(s).length, 24);
  assert.throws(() => webhookSecretKey('whsec_c2hvcnQ='), /16 bytes/);
  assert.throws(() => webhookSecretKey('whsec_not base64!'), /base64/);
  assert.throws(() => signWebhook([], 'id', 1, Buffer.alloc(0)), /at least one/);
});
