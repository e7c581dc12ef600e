// The verifiers against the providers' published test vectors, and their refusals.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import type { Violation } from '../../../core/index.js';
import { dingtalkDecrypt, dingtalkEncrypt, feishuDecrypt } from './callbacks.js';
import { checkVerifier, type WebhookRequest } from './index.js';

const req = (headers: Record<string, string | string[]>, body: string | Buffer, query: Record<string, string> = {}): WebhookRequest =>
  ({ method: 'POST', headers, query, body: Buffer.isBuffer(body) ? body : Buffer.from(body), client: '203.0.113.1', loopback: false });

function verifier(spec: Record<string, unknown>): NonNullable<ReturnType<typeof checkVerifier>> {
  const out: Violation[] = [];
  const v = checkVerifier(spec, '/verify', out);
  assert.deepEqual(out, []);
  return v!;
}

const hmacSecret = (secret: string): Map<string, { kind: string; secret: string }> => new Map([['c', { kind: 'hmac', secret }]]);

test('verify - GitHub: the documented test vector passes; a changed body, a repeated header or no secret fails', () => {
  // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  const v = verifier({ kind: 'github', connection: 'c' });
  const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
  const secrets = hmacSecret("It's a Secret to Everybody");
  assert.equal(v.verify(req({ 'x-hub-signature-256': sig }, 'Hello, World!'), secrets, 0).ok, true);
  assert.equal(v.verify(req({ 'x-hub-signature-256': sig.toUpperCase().replace('SHA256', 'sha256') }, 'Hello, World!'), secrets, 0).ok, true);
  assert.equal(v.verify(req({ 'x-hub-signature-256': sig }, 'Hello, World?'), secrets, 0).ok, false);
  assert.equal(v.verify(req({ 'x-hub-signature-256': [sig, sig] }, 'Hello, World!'), secrets, 0).ok, false);
  assert.equal(v.verify(req({ 'x-hub-signature-256': sig }, 'Hello, World!'), new Map(), 0).ok, false);
});

test('verify - Standard Webhooks: the libraries\' shared vector, within and outside the tolerance', () => {
  const v = verifier({ kind: 'standard-webhooks', connection: 'c' });
  const secrets = hmacSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  const h = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
  assert.equal(v.verify(req(h, '{"test": 2432232314}'), secrets, 1614265330_000).ok, true);
  assert.equal(v.verify(req(h, '{"test": 2432232314}'), secrets, 1614265330_000 + 301_000).ok, false);
  assert.equal(v.verify(req(h, '{"test": 2432232314}'), secrets, 1614265330_000 - 301_000).ok, false);
  assert.equal(v.verify(req({ ...h, 'webhook-id': 'msg_other' }, '{"test": 2432232314}'), secrets, 1614265330_000).ok, false);
});

test('verify - Slack: the documented example; the URL challenge comes back as a reply', () => {
  const v = verifier({ kind: 'slack', connection: 'c' });
  const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const ok = v.verify(req({ 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' }, body), hmacSecret('8f742231b10e8888abcd99yyyzzz85a5'), 1531420618_000);
  assert.deepEqual(ok, { ok: true, label: 'slack: signature verified' });
});

test('verify - Feishu: the documented decryption example ("test key" → "hello world")', () => {
  // https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case
  assert.equal(feishuDecrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')?.toString(), 'hello world');
  assert.equal(feishuDecrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'other key'), undefined);
});

test('verify - DingTalk: encrypt and decrypt round-trip over 32-byte padding; a tampered length does not decrypt; a signed callback verifies', () => {
  const key = 'o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus';
  for (const msg of ['', 'success', 'x'.repeat(31), 'x'.repeat(32), '{"EventType":"check_url"}']) {
    const enc = dingtalkEncrypt(msg, key, 'suite');
    assert.deepEqual(dingtalkDecrypt(enc, key), { message: Buffer.from(msg), receiveId: 'suite' });
  }
  const bytes = Buffer.from(dingtalkEncrypt('success', key, 'suite'), 'base64');
  // Flipping the first ciphertext byte flips the length's high byte in the plaintext (CBC): refused.
  bytes[0] = bytes[0]! ^ 0xff;
  assert.equal(dingtalkDecrypt(bytes.toString('base64'), key), undefined);
  const v = verifier({ kind: 'dingtalk', connection: 't', aesKeyConnection: 'k' });
  const encrypt = dingtalkEncrypt('{"EventType":"x"}', key, 'suite');
  const signature = createHash('sha1').update(['tok', '1000', 'n', encrypt].sort().join('')).digest('hex');
  const secrets = new Map([['t', { kind: 'hmac', secret: 'tok' }], ['k', { kind: 'hmac', secret: key }]]);
  const ok = v.verify(req({}, JSON.stringify({ encrypt }), { signature, timestamp: '1000', nonce: 'n' }), secrets, 1000);
  assert.equal(ok.ok, true);
  assert.equal(ok.ok && ok.body?.toString(), '{"EventType":"x"}');
});

test('verify - settings: every problem is one violation', () => {
  const out: Violation[] = [];
  assert.equal(checkVerifier({ kind: 'nope' }, '/verify', out), undefined);
  assert.equal(checkVerifier({ kind: 'github' }, '/verify', out), undefined);
  assert.equal(checkVerifier({ kind: 'stripe', connection: 'c', toleranceSeconds: 0 }, '/verify', out), undefined);
  assert.equal(checkVerifier({ kind: 'feishu' }, '/verify', out), undefined);
  assert.equal(checkVerifier('github', '/verify', out), undefined);
  assert.deepEqual(out.map((v) => v.path), ['/verify/kind', '/verify/connection', '/verify/toleranceSeconds', '/verify', '/verify']);
});

test('verify - none takes loopback senders only', () => {
  const v = verifier({ kind: 'none' });
  assert.equal(v.verify({ ...req({}, 'x'), loopback: true }, new Map(), 0).ok, true);
  assert.deepEqual(v.verify(req({}, 'x'), new Map(), 0), { ok: false, reason: 'this source has no verification: it takes requests from the loopback interface only' });
});

test('verify - generic HMAC in hex with a prefix; basic and bearer compare the whole credential', () => {
  const h = verifier({ kind: 'hmac', connection: 'c', header: 'X-Sig', algorithm: 'sha1', prefix: 'sha1=' });
  const secrets = hmacSecret('k');
  const sig = `sha1=${createHmac('sha1', 'k').update('body').digest('hex')}`;
  assert.equal(h.verify(req({ 'x-sig': sig }, 'body'), secrets, 0).ok, true);
  assert.equal(h.verify(req({ 'x-sig': sig.slice(5) }, 'body'), secrets, 0).ok, false);
  assert.equal(h.verify(req({ 'x-sig': `${sig}00` }, 'body'), secrets, 0).ok, false);
  const b = verifier({ kind: 'bearer', connection: 'c' });
  assert.equal(b.verify(req({ authorization: 'Bearer k' }, ''), secrets, 0).ok, true);
  assert.equal(b.verify(req({ authorization: 'Bearer kk' }, ''), secrets, 0).ok, false);
  assert.equal(b.verify(req({ authorization: 'Bearer ' }, ''), secrets, 0).ok, false);
  const basic = verifier({ kind: 'basic', connection: 'u' });
  const users = new Map([['u', { kind: 'basic', username: 'a', password: 'b:c' }]]);
  assert.equal(basic.verify(req({ authorization: `Basic ${Buffer.from('a:b:c').toString('base64')}` }, ''), users, 0).ok, true);
  assert.equal(basic.verify(req({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, ''), users, 0).ok, false);
  assert.equal(basic.verify(req({ authorization: `Basic ${Buffer.from('a:b:c').toString('base64')}` }, ''), secrets, 0).ok, false, 'an hmac connection is not a basic one');
});
