import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent } from '../../../events/index.js';
import { contractMessage } from '../../targets.contract.js';
import type { OutboundMessage } from '../../target.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { signV4 } from './signing/sigv4.js';

const world = testWorld();
after(() => world.close());
const SECRET = 'SEC-robot-secret-0123456789';
world.vault.put('robot', { kind: 'hmac', secret: SECRET });
world.vault.put('aws', { kind: 'aws', accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key', sessionToken: 'session-tok' });

interface Req { url: URL; headers: IncomingMessage['headers']; body: string }

/** A platform stand-in on loopback: checks each request the way the platform documents, answers as told. */
async function platform(answer: (r: Req) => { status: number; body: string }): Promise<{ url: string; seen: Req[]; close: () => void }> {
  const seen: Req[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

const event = (): OutboundMessage => ({
  ...contractMessage(),
  outbound: { type: 'event', event: createEvent({ id: 'ord-1', source: 'urn:shop', type: 'order.created', subject: 'orders/1', data: { kind: 'json', value: { total: 42 } } }) },
});

const send = async (spec: Record<string, unknown>, m: OutboundMessage = event()) => {
  const t = createTarget({ id: 't', kind: 'http', ...spec }, world.deps());
  try {
    return await t.send([m], new AbortController().signal);
  } finally {
    await t.close();
  }
};

test('dingtalk preset - timestamp and sign in the query verify as DingTalk documents; the text message carries the event', async () => {
  // DingTalk: sign = urlencode(base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret))), timestamp in ms, within an hour.
  const p = await platform((r) => {
    const ts = r.url.searchParams.get('timestamp') ?? '';
    const expected = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
    const fresh = Math.abs(Date.now() - Number(ts)) < 3_600_000;
    return r.url.searchParams.get('sign') === expected && fresh ? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' } : { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' };
  });
  try {
    const o = await send({ url: `${p.url}/robot/send?access_token=tok`, preset: 'dingtalk', connection: 'robot' });
    assert.equal(o.type, 'delivered', JSON.stringify(o));
    const r = p.seen[0]!;
    assert.equal(r.url.searchParams.get('access_token'), 'tok');
    assert.match(r.url.search, /sign=[^&]*%/, 'the sign is URL-encoded in the query');
    const body = JSON.parse(r.body) as { msgtype: string; text: { content: string } };
    assert.equal(body.msgtype, 'text');
    assert.match(body.text.content, /^order\.created from urn:shop\nid: ord-1\nsubject: orders\/1\n\{\n {2}"total": 42\n\}$/);
    // a second request is signed afresh
    assert.equal((await send({ url: `${p.url}/robot/send?access_token=tok`, preset: 'dingtalk', connection: 'robot' })).type, 'delivered');
    // without the secret the platform refuses in a 200 answer: rejected, not retried
    const bad = await send({ url: `${p.url}/robot/send?access_token=tok`, preset: 'dingtalk' });
    assert.equal(bad.type === 'failed' && bad.errorClass, 'rejected', JSON.stringify(bad));
    assert.match(bad.type === 'failed' ? bad.message : '', /errcode 310000 sign not match/);
  } finally {
    p.close();
  }
});

test('dingtalk preset - "sending too fast" (130101) is retried', async () => {
  const p = await platform(() => ({ status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' }));
  try {
    const o = await send({ url: `${p.url}/robot/send`, preset: 'dingtalk', connection: 'robot' });
    assert.equal(o.type === 'failed' && o.errorClass, 'io', JSON.stringify(o));
  } finally {
    p.close();
  }
});

test('feishu preset - timestamp and sign in the body verify as Feishu documents; a transformer-written card keeps its fields', async () => {
  // Feishu/Lark: sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")), timestamp in seconds.
  const p = await platform((r) => {
    const b = JSON.parse(r.body) as { timestamp: string; sign: string };
    const expected = createHmac('sha256', `${b.timestamp}\n${SECRET}`).update('').digest('base64');
    return b.sign === expected && Math.abs(Date.now() / 1000 - Number(b.timestamp)) < 3600
      ? { status: 200, body: '{"code":0,"msg":"success","data":{}}' } : { status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' };
  });
  try {
    const o = await send({ url: `${p.url}/open-apis/bot/v2/hook/abc`, preset: 'feishu', connection: 'robot' });
    assert.equal(o.type, 'delivered', JSON.stringify(o));
    const b = JSON.parse(p.seen[0]!.body) as { msg_type: string; content: { text: string } };
    assert.equal(b.msg_type, 'text');
    assert.match(b.content.text, /^order\.created from urn:shop/);
    const card = { ...contractMessage(), outbound: { type: 'raw' as const, body: '{"msg_type":"interactive","card":{"elements":[]}}', contentType: 'application/json' } };
    assert.equal((await send({ url: `${p.url}/hook`, preset: 'feishu', connection: 'robot' }, card)).type, 'delivered');
    const c = JSON.parse(p.seen[1]!.body) as Record<string, unknown>;
    assert.equal(c.msg_type, 'interactive');
    assert.ok(typeof c.sign === 'string' && typeof c.timestamp === 'string');
    const wrong = await send({ url: `${p.url}/hook`, preset: 'feishu' });
    assert.equal(wrong.type === 'failed' && wrong.errorClass, 'rejected', JSON.stringify(wrong));
  } finally {
    p.close();
  }
});

test('wecom, slack, discord and teams presets - each platform message format and answer', async () => {
  const p = await platform((r) => {
    const b = JSON.parse(r.body) as Record<string, unknown>;
    if (r.url.pathname === '/wecom') return { status: 200, body: b.msgtype === 'text' && typeof (b.text as { content?: unknown }).content === 'string' ? '{"errcode":0,"errmsg":"ok"}' : '{"errcode":40008,"errmsg":"invalid message type"}' };
    if (r.url.pathname === '/slack') return typeof b.text === 'string' ? { status: 200, body: 'ok' } : { status: 400, body: 'invalid_payload' };
    if (r.url.pathname === '/discord') return typeof b.content === 'string' && b.content.length <= 2000 ? { status: 204, body: '' } : { status: 400, body: '{"message":"Invalid Form Body"}' };
    const att = (b.attachments as { contentType: string; content: { type: string; body: { text: string }[] } }[] | undefined)?.[0];
    return b.type === 'message' && att?.contentType === 'application/vnd.microsoft.card.adaptive' && att.content.type === 'AdaptiveCard' && att.content.body[0]!.text.startsWith('order.created') ? { status: 202, body: '' } : { status: 400, body: 'bad card' };
  });
  try {
    for (const preset of ['wecom', 'slack', 'discord', 'teams']) {
      const o = await send({ url: `${p.url}/${preset}`, preset });
      assert.equal(o.type, 'delivered', `${preset}: ${JSON.stringify(o)}`);
    }
    const long = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'l', source: 's', type: 't', data: { kind: 'text', text: 'x'.repeat(5000) }, datacontenttype: 'text/plain' }) } };
    assert.equal((await send({ url: `${p.url}/discord`, preset: 'discord' }, long)).type, 'delivered', 'cut to Discord\'s 2000 characters');
  } finally {
    p.close();
  }
});

test('hmac signer - the header verifies with the connection secret over timestamp and body', async () => {
  const p = await platform((r) => {
    const ts = String(r.headers['x-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
    return r.headers['x-signature'] === expected ? { status: 200, body: '{}' } : { status: 401, body: 'bad signature' };
  });
  try {
    const o = await send({ url: `${p.url}/hook`, signer: { type: 'hmac', header: 'X-Signature', prefix: 'sha256=', timestampHeader: 'X-Timestamp' }, connection: 'robot' });
    assert.equal(o.type, 'delivered', JSON.stringify(o));
  } finally {
    p.close();
  }
});

test('sigv4 signer - the request as received verifies: URL, headers and body are what was signed; the session token is sent', async () => {
  const p = await platform(() => ({ status: 200, body: '{}' }));
  try {
    const o = await send({ url: `${p.url}/prod/orders?b=2&a=1`, signer: { type: 'sigv4', region: 'eu-west-1', service: 'execute-api' }, connection: 'aws' });
    assert.equal(o.type, 'delivered', JSON.stringify(o));
    const r = p.seen[0]!;
    assert.equal(r.headers['x-amz-security-token'], 'session-tok');
    const auth = String(r.headers.authorization);
    assert.match(auth, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    const signed = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
    for (const h of ['content-type', 'host', 'x-amz-date', 'x-amz-security-token']) assert.ok(signed.includes(h), `${h} is signed`);
    // Signed again from the request as received (URL, the signed headers, the body): the same signature.
    const headers = Object.fromEntries(signed.filter((h) => !['host', 'x-amz-date', 'x-amz-security-token'].includes(h)).map((h) => [h, String(r.headers[h])]));
    const again = await signV4({ method: 'POST', url: new URL(`${r.url.pathname}${r.url.search}`, `http://${String(r.headers.host)}`), headers, body: r.body },
      { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key', sessionToken: 'session-tok' }, 'eu-west-1', 'execute-api', Date.parse(String(r.headers['x-amz-date']).replace(/(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/, '$1-$2-$3T$4:$5:$6Z')));
    assert.equal(again.authorization, auth);
    assert.equal(createHash('sha256').update(r.body).digest('hex').length, 64);
    const wrongKind = await send({ url: `${p.url}/x`, signer: { type: 'sigv4', region: 'eu-west-1', service: 'execute-api' }, connection: 'robot' });
    assert.equal(wrongKind.type === 'failed' && wrongKind.errorClass, 'config');
  } finally {
    p.close();
  }
});

test('presets and signers - bad fields are refused when the rule is saved', () => {
  const v = validateTargetSpec({ kind: 'http', url: 'https://h.example.com/', preset: 'icq', signer: { type: 'sigv4', region: 'US East', service: '' }, batch: { maxBatchSize: 5 } }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), ['/batch', '/connection', '/preset', '/signer', '/signer/region', '/signer/service']);
  const h = validateTargetSpec({ kind: 'http', url: 'https://h.example.com/', connection: 'c', signer: { type: 'hmac', header: 'Content-Type', algorithm: 'md5', encoding: 'z', extra: 1 } }, '');
  assert.deepEqual(h.map((x) => x.path).sort(), ['/signer/algorithm', '/signer/encoding', '/signer/extra', '/signer/header']);
});
