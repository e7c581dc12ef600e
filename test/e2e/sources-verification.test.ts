// Every webhook verification kind end to end, on a server whose clock is set to each provider's
// test-vector time: the provider's published vector where there is one (Standard Webhooks, Slack;
// GitHub's is in sources-webhook.test.ts), requests signed here per the provider's documented
// scheme otherwise; for each, a wrong signature (401, nothing stored), a stale timestamp where
// the scheme has one, and a replay of the same delivery (stored once).
import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { dingtalkDecrypt, dingtalkEncrypt } from '../../src/sources/webhook/verify/callbacks.js';
import { assertProblem, call, type Answer } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let t: TestServer;
before(async () => {
  t = await startTestServer({}, { clock });
});
after(async () => {
  await t.close();
});

let n = 0;
/** A fresh bus with a source of this verification; returns the bus name. */
async function source(verify: Record<string, unknown>, connections: Record<string, Record<string, unknown>>, mapping?: unknown): Promise<string> {
  const bus = `b${++n}`;
  assert.equal((await call(t.url, '/v1/buses', { json: { name: bus } })).status, 201);
  for (const [name, c] of Object.entries(connections)) assert.ok([200, 201].includes((await call(t.url, `/v1/connections/${name}`, { method: 'PUT', json: c })).status));
  const put = await call(t.url, `/v1/sources/${bus}`, { method: 'PUT', json: { kind: 'webhook', bus, verify, ...(mapping === undefined ? {} : { mapping }) } });
  assert.equal(put.status, 201, put.text);
  return bus;
}

const hook = (name: string, body: string, headers: Record<string, string>, query = ''): Promise<Answer<{ results: { id: string; sequence: number; duplicate?: boolean }[] }>> =>
  call(t.url, `/v1/sources/${name}/webhook${query}`, { body, headers });

async function events(bus: string): Promise<Record<string, unknown>[]> {
  return (await call<{ items: { event: Record<string, unknown> }[] }>(t.url, `/v1/buses/${bus}/events`)).json.items.map((i) => i.event);
}

async function rejected(bus: string): Promise<number> {
  return (await call<{ counters: { rejected: number } }>(t.url, `/v1/sources/${bus}`)).json.counters.rejected;
}

test('verification - Standard Webhooks: the spec\'s test vector, a wrong signature, a stale timestamp, a replay', async () => {
  // https://github.com/standard-webhooks/standard-webhooks (libraries' shared test vector)
  clock.set(1614265330 * 1000);
  const bus = await source({ kind: 'standard-webhooks', connection: 'sw' }, { sw: { kind: 'hmac', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } }, { preset: 'standard-webhooks' });
  const body = '{"test": 2432232314}';
  const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
  const a = await hook(bus, body, headers);
  assert.equal(a.status, 202, a.text);
  assert.equal(a.json.results[0]!.id, 'msg_p5jXN8AQM9LWM0D4loKWxJek');
  const replay = await hook(bus, body, headers);
  assert.equal(replay.json.results[0]!.duplicate, true);
  // Several signatures (a rotation): one matching is enough.
  assert.equal((await hook(bus, body, { ...headers, 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` })).status, 202);
  assertProblem(await hook(bus, body.replace('2432232314', '2432232315'), headers), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  clock.advance(301_000);
  const stale = assertProblem(await hook(bus, body, headers), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assert.match(stale.detail, /tolerance/);
  const stored = await events(bus);
  assert.equal(stored.length, 1);
  // The body is the data byte-exact (the space after the colon included).
  const raw = await call(t.url, `/v1/buses/${bus}/events/msg_p5jXN8AQM9LWM0D4loKWxJek`);
  assert.ok(raw.text.includes('"data":{"test": 2432232314}'), raw.text);
  assert.equal(await rejected(bus), 2);
});

test('verification - Slack: the documented example request, a stale timestamp, the URL challenge answered and not stored', async () => {
  // https://api.slack.com/authentication/verifying-requests-from-slack (the worked example)
  clock.set(1531420618 * 1000);
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const bus = await source({ kind: 'slack', connection: 'sl' }, { sl: { kind: 'hmac', secret } }, { preset: 'slack' });
  const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' };
  assert.equal((await hook(bus, body, headers)).status, 202);
  assertProblem(await hook(bus, body, { ...headers, 'x-slack-signature': `v0=${'a'.repeat(64)}` }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const challenge = JSON.stringify({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
  const sign = (ts: number, b: string): string => `v0=${createHmac('sha256', secret).update(`v0:${ts}:${b}`).digest('hex')}`;
  const c = await hook(bus, challenge, { 'content-type': 'application/json', 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': sign(1531420618, challenge) });
  assert.deepEqual([c.status, c.json], [200, { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' }]);
  clock.advance(600_000);
  assertProblem(await hook(bus, body, headers), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const stored = await events(bus);
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.data, body);
  assert.equal(stored[0]!.datacontenttype, 'application/x-www-form-urlencoded');
  // The preset reads the form's fields: the team of the slash command.
  assert.equal(stored[0]!.source, 'https://slack.com/team/T1DC2JH3J');
});

test('verification - Stripe: Stripe-Signature t=,v1= with tolerance; the preset maps id, type and time; replay stored once', async () => {
  clock.set(Date.UTC(2026, 2, 1));
  const secret = 'whsec_test_secret';
  const bus = await source({ kind: 'stripe', connection: 'st', toleranceSeconds: 60 }, { st: { kind: 'hmac', secret } }, { preset: 'stripe' });
  const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', created: 1772323200, data: { object: { id: 'pi_1' } } });
  const ts = Math.floor(clock.now() / 1000);
  const sig = (s: string, at = ts): string => `t=${at},v1=${createHmac('sha256', s).update(`${at}.${body}`).digest('hex')},v0=ignored`;
  const headers = { 'content-type': 'application/json', 'stripe-signature': sig(secret) };
  assert.equal((await hook(bus, body, headers)).status, 202);
  assert.equal((await hook(bus, body, headers)).json.results[0]!.duplicate, true);
  assertProblem(await hook(bus, body, { ...headers, 'stripe-signature': sig('whsec_other') }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assertProblem(await hook(bus, body, { ...headers, 'stripe-signature': sig(secret, ts - 61) }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assertProblem(await hook(bus, body, { ...headers, 'stripe-signature': 'garbage' }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const [e] = await events(bus);
  assert.deepEqual([e!.id, e!.type, e!.source, e!.subject, e!.time], ['evt_1', 'com.stripe.payment_intent.succeeded', 'https://api.stripe.com', 'pi_1', '2026-03-01T00:00:00.000Z']);
});

test('verification - Shopify, GitLab, basic and bearer: right and wrong credentials', async () => {
  clock.set(Date.UTC(2026, 2, 1));
  const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com' });
  const shop = await source({ kind: 'shopify', connection: 'sh' }, { sh: { kind: 'hmac', secret: 'shpss_x' } }, { preset: 'shopify' });
  const hmac = createHmac('sha256', 'shpss_x').update(body).digest('base64');
  const sh = { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'example.myshopify.com', 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' };
  assert.equal((await hook(shop, body, { ...sh, 'x-shopify-hmac-sha256': hmac })).status, 202);
  assertProblem(await hook(shop, body, { ...sh, 'x-shopify-hmac-sha256': createHmac('sha256', 'other').update(body).digest('base64') }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const [se] = await events(shop);
  assert.deepEqual([se!.id, se!.type, se!.source], ['b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', 'com.shopify.orders.create', 'https://example.myshopify.com']);

  const gl = await source({ kind: 'gitlab', connection: 'gl' }, { gl: { kind: 'hmac', secret: 'glt' } }, { preset: 'gitlab' });
  const push = JSON.stringify({ object_kind: 'push', project: { web_url: 'https://gitlab.example.com/g/p', path_with_namespace: 'g/p' } });
  assert.equal((await hook(gl, push, { 'content-type': 'application/json', 'x-gitlab-token': 'glt', 'x-gitlab-event-uuid': 'u-1' })).status, 202);
  assertProblem(await hook(gl, push, { 'content-type': 'application/json', 'x-gitlab-token': 'glx' }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assert.deepEqual((await events(gl)).map((e) => [e.id, e.type, e.source]), [['u-1', 'com.gitlab.push', 'https://gitlab.example.com/g/p']]);

  const ba = await source({ kind: 'basic', connection: 'ba' }, { ba: { kind: 'basic', username: 'hook', password: 'pw' } });
  const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  assert.equal((await hook(ba, body, { 'content-type': 'application/json', authorization: basic('hook', 'pw') })).status, 202);
  assertProblem(await hook(ba, body, { 'content-type': 'application/json', authorization: basic('hook', 'px') }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assertProblem(await hook(ba, body, { 'content-type': 'application/json' }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');

  const be = await source({ kind: 'bearer', connection: 'be' }, { be: { kind: 'apiKey', in: 'header', keyName: 'Authorization', value: 'tok-123' } });
  assert.equal((await hook(be, body, { 'content-type': 'application/json', authorization: 'Bearer tok-123' })).status, 202);
  assertProblem(await hook(be, body, { 'content-type': 'application/json', authorization: 'Bearer tok-124' }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  for (const b of [shop, gl, ba, be]) assert.equal((await events(b)).length, 1, b);
});

test('verification - generic HMAC: header, sha512, base64, prefix, "{timestamp}:{body}" signed, stale timestamp refused', async () => {
  clock.set(Date.UTC(2026, 2, 1));
  const bus = await source({ kind: 'hmac', connection: 'gh', header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=', signed: '{timestamp}:{body}', timestampHeader: 'X-Timestamp', toleranceSeconds: 30 }, { gh: { kind: 'hmac', secret: 'k' } }, { id: '$.body.id', type: { value: 'acme.thing' } });
  const body = '{"id":"a-1"}';
  const ts = String(Math.floor(clock.now() / 1000));
  const sig = (at: string): string => `sha512=${createHmac('sha512', 'k').update(`${at}:${body}`).digest('base64')}`;
  assert.equal((await hook(bus, body, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': sig(ts) })).status, 202);
  assert.equal((await hook(bus, body, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': sig(ts) })).json.results[0]!.duplicate, true);
  assertProblem(await hook(bus, body, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': sig(String(Number(ts) + 1)) }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const old = String(Number(ts) - 31);
  assertProblem(await hook(bus, body, { 'content-type': 'application/json', 'x-timestamp': old, 'x-signature': sig(old) }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assert.deepEqual((await events(bus)).map((e) => [e.id, e.type]), [['a-1', 'acme.thing']]);
});

/** Feishu's encryption: AES-256-CBC, key SHA-256(Encrypt Key), a random IV before the ciphertext. */
function feishuEncrypt(plain: string, key: string): string {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
}

test('verification - Feishu: encrypted, signed events decrypted and mapped; the URL challenge; wrong signature, stale timestamp, wrong token', async () => {
  clock.set(Date.UTC(2026, 2, 1));
  const key = 'test key';
  const bus = await source({ kind: 'feishu', connection: 'fk', tokenConnection: 'ft' }, { fk: { kind: 'hmac', secret: key }, ft: { kind: 'hmac', secret: 'vtoken' } }, { preset: 'feishu' });
  const event = { schema: '2.0', header: { event_id: 'f-1', event_type: 'im.message.receive_v1', create_time: String(clock.now()), token: 'vtoken', app_id: 'cli_a1', tenant_key: 't1' }, event: { message: { text: 'hi' } } };
  const body = JSON.stringify({ encrypt: feishuEncrypt(JSON.stringify(event), key) });
  const ts = String(Math.floor(clock.now() / 1000));
  const sign = (at: string, b = body): string => createHash('sha256').update(at + 'n1' + key + b).digest('hex');
  const headers = { 'content-type': 'application/json', 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n1', 'x-lark-signature': sign(ts) };
  const a = await hook(bus, body, headers);
  assert.equal(a.status, 200, a.text);
  assert.equal((await hook(bus, body, headers)).status, 200);
  assertProblem(await hook(bus, body, { ...headers, 'x-lark-signature': sign(ts, `${body} `) }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const old = String(Number(ts) - 3600);
  assertProblem(await hook(bus, body, { ...headers, 'x-lark-request-timestamp': old, 'x-lark-signature': sign(old) }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const wrongToken = JSON.stringify({ encrypt: feishuEncrypt(JSON.stringify({ ...event, header: { ...event.header, token: 'nope' } }), key) });
  assertProblem(await hook(bus, wrongToken, { ...headers, 'x-lark-signature': sign(ts, wrongToken) }), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const challenge = await hook(bus, JSON.stringify({ encrypt: feishuEncrypt(JSON.stringify({ challenge: 'ch-1', token: 'vtoken', type: 'url_verification' }), key) }), { 'content-type': 'application/json' });
  assert.deepEqual([challenge.status, challenge.json], [200, { challenge: 'ch-1' }]);
  const stored = await events(bus);
  assert.deepEqual(stored.map((e) => [e.id, e.type, e.source, e.subject]), [['f-1', 'com.feishu.im.message.receive_v1', 'https://open.feishu.cn/app/cli_a1', 't1']]);
  assert.deepEqual(stored[0]!.data, event);
});

test('verification - DingTalk: signed, encrypted callbacks decrypted and answered with the encrypted success; check_url not stored; wrong signature refused', async () => {
  clock.set(Date.UTC(2026, 2, 1));
  const token = 'dt-token';
  const aesKey = 'o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus';
  const bus = await source({ kind: 'dingtalk', connection: 'dt', aesKeyConnection: 'dk', receiveId: 'suite-1' }, { dt: { kind: 'hmac', secret: token }, dk: { kind: 'hmac', secret: aesKey } }, { preset: 'dingtalk' });
  const send = (msg: object, receiveId = 'suite-1', sigToken = token): Promise<Answer> => {
    const encrypt = dingtalkEncrypt(JSON.stringify(msg), aesKey, receiveId);
    const ts = String(clock.now());
    const signature = createHash('sha1').update([sigToken, ts, 'nonce1', encrypt].sort().join('')).digest('hex');
    return call(t.url, `/v1/sources/${bus}/webhook?signature=${signature}&timestamp=${ts}&nonce=nonce1`, { body: JSON.stringify({ encrypt }), headers: { 'content-type': 'application/json' } });
  };
  const check = await send({ EventType: 'check_url' });
  assert.equal(check.status, 200);
  const reply = check.json as { msg_signature: string; timeStamp: string; nonce: string; encrypt: string };
  assert.equal(dingtalkDecrypt(reply.encrypt, aesKey)?.message.toString(), 'success');
  assert.equal(reply.msg_signature, createHash('sha1').update([token, reply.timeStamp, reply.nonce, reply.encrypt].sort().join('')).digest('hex'));
  const ok = await send({ EventType: 'user_add_org', CorpId: 'ding1', TimeStamp: String(clock.now()), UserId: ['u1'] });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(dingtalkDecrypt((ok.json as { encrypt: string }).encrypt, aesKey)?.message.toString(), 'success');
  assertProblem(await send({ EventType: 'x' }, 'suite-1', 'other-token'), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  assertProblem(await send({ EventType: 'x' }, 'suite-2'), 401, 'SWY_SOURCE_VERIFICATION_FAILED');
  const stored = await events(bus);
  assert.deepEqual(stored.map((e) => [e.type, e.source]), [['com.dingtalk.user_add_org', 'https://open.dingtalk.com/corp/ding1']]);
  assert.deepEqual((stored[0]!.data as { UserId: string[] }).UserId, ['u1']);
});

test('verification - none: loopback senders only, and only while the server listens on loopback', async () => {
  const bus = await source({ kind: 'none' }, {});
  assert.equal((await hook(bus, 'plain', { 'content-type': 'text/plain' })).status, 202);
});
