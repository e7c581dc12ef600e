import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { ManualClock } from '../../../core/index.js';
import { createEvent } from '../../../events/index.js';
import { contractMessage } from '../../targets.contract.js';
import type { SendOutcome, Target } from '../../target.js';
import { createTarget } from '../index.js';
import { testWorld } from '../test-deps.contract.js';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen, n: number) => void;

/** A real loopback receiver that answers each request with the scripted handler. */
async function receiver(handler: Handler): Promise<{ url: string; seen: Seen[]; close: () => void }> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(req, res, s, seen.length);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, seen, close: () => { for (const s of sockets) s.destroy(); server.close(); } };
}

const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
const world = testWorld({ clock });
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups) await c();
  await world.close();
});

async function sendTo(handler: Handler, spec: Record<string, unknown> = {}, messages = [contractMessage()], signal = new AbortController().signal): Promise<{ o: SendOutcome; seen: Seen[]; target: Target }> {
  const r = await receiver(handler);
  cleanups.push(r.close);
  const target = createTarget({ id: 't1', kind: 'http', url: r.url, ...spec }, world.deps());
  cleanups.push(() => target.close());
  const o = await target.send(messages, signal);
  return { o, seen: r.seen, target };
}

test('http - a 2xx is delivered with status and response excerpt; the event goes in binary mode by default', async () => {
  const m = contractMessage();
  const { o, seen } = await sendTo((_q, res) => res.writeHead(204).end(), {}, [m]);
  assert.equal(o.type, 'delivered');
  assert.equal(o.status, 204);
  assert.equal(seen[0]!.method, 'POST');
  assert.equal(seen[0]!.headers['ce-id'], m.eventId);
  assert.equal(seen[0]!.headers['content-type'], 'application/json');
  const data = m.outbound.type === 'event' && m.outbound.event.data.kind === 'json' ? m.outbound.event.data.text : '';
  assert.equal(seen[0]!.body.toString(), data);
});

test('http - structured mode, method and configured headers are honoured', async () => {
  const m = contractMessage();
  const { o, seen } = await sendTo((_q, res) => res.writeHead(200).end('fine'), { mode: 'structured', method: 'PUT', headers: { 'X-Tenant': 'acme' } }, [m]);
  assert.equal(o.type, 'delivered');
  assert.equal(o.type === 'delivered' && o.response, 'fine');
  assert.equal(seen[0]!.method, 'PUT');
  assert.equal(seen[0]!.headers['x-tenant'], 'acme');
  assert.match(String(seen[0]!.headers['content-type']), /^application\/cloudevents\+json/);
  assert.equal((JSON.parse(seen[0]!.body.toString()) as { id: string }).id, m.eventId);
});

test('http - a raw outbound is sent as its body with its content type', async () => {
  const m = contractMessage({ outbound: { type: 'raw', body: 'hello <b>', contentType: 'text/plain; charset=utf-8' } });
  const { o, seen } = await sendTo((_q, res) => res.writeHead(200).end(), {}, [m]);
  assert.equal(o.type, 'delivered');
  assert.equal(seen[0]!.body.toString(), 'hello <b>');
  assert.equal(seen[0]!.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(seen[0]!.headers['ce-id'], undefined);
});

test('http - several messages go as a CloudEvents batch, or a JSON array with batchFormat json', async () => {
  const ms = [contractMessage(), contractMessage()];
  const a = await sendTo((_q, res) => res.writeHead(200).end(), {}, ms);
  assert.equal(a.o.type, 'delivered');
  assert.match(String(a.seen[0]!.headers['content-type']), /^application\/cloudevents-batch\+json/);
  assert.deepEqual((JSON.parse(a.seen[0]!.body.toString()) as { id: string }[]).map((e) => e.id), ms.map((m) => m.eventId));
  const raw = [contractMessage({ outbound: { type: 'raw', body: '{"a": 1}', contentType: 'application/json' } }), contractMessage({ outbound: { type: 'raw', body: 'x', contentType: 'text/plain' } })];
  const b = await sendTo((_q, res) => res.writeHead(200).end(), { batchFormat: 'json' }, raw);
  assert.equal(b.seen[0]!.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(b.seen[0]!.body.toString()), [{ a: 1 }, 'x']);
  assert.match(String(b.seen[0]!.headers['webhook-id']), /^batch_/);
});

test('http - a 5xx fails with class http, the status and the response excerpt', async () => {
  const { o } = await sendTo((_q, res) => res.writeHead(503).end('down for maintenance'));
  assert.equal(o.type, 'failed');
  assert.equal(o.type === 'failed' && o.errorClass, 'http');
  assert.equal(o.status, 503);
  assert.equal(o.type === 'failed' && o.response, 'down for maintenance');
});

test('http - a receiver that echoes the request in its answer does not get the connection\'s credentials kept', async () => {
  const echo: Handler = (req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers }));
  await world.vault.put('echo-basic', { kind: 'basic', username: 'svc', password: 'pa55-w0rd-basic' });
  await world.vault.put('echo-query', { kind: 'apiKey', in: 'query', keyName: 'sig', value: 'q-s3cret/value' });
  await world.vault.put('echo-header', { kind: 'apiKey', in: 'header', keyName: 'X-Partner', value: 'h-s3cret-value' });
  const basic = Buffer.from('svc:pa55-w0rd-basic').toString('base64');
  for (const [spec, secrets] of [
    [{ connection: 'echo-basic' }, [basic]],
    [{ connection: 'echo-query' }, [encodeURIComponent('q-s3cret/value')]],
    [{ connection: 'echo-header' }, ['h-s3cret-value']],
    [{ headers: { 'x-service-token': 'static-t0ken-value', 'x-plain': 'visible' } }, ['static-t0ken-value']],
  ] as const) {
    const { o, seen } = await sendTo(echo, spec);
    assert.equal(o.type === 'failed' && o.status, 500);
    const excerpt = o.type === 'failed' ? o.response ?? '' : '';
    const sent = JSON.stringify(seen[0]!.headers) + seen[0]!.url;
    for (const secret of secrets) {
      assert.ok(sent.includes(secret), `the receiver got ${secret}`);
      assert.ok(!excerpt.includes(secret), `${secret} is not kept: ${excerpt}`);
    }
    assert.doesNotMatch(excerpt, /s3cret|pa55/);
    assert.match(excerpt, /\[redacted\]/);
    assert.match(excerpt, /"user-agent":"Switchyard-Webhooks\/1"/, 'the rest of the echo is kept');
  }
  const plain = await sendTo(echo, { headers: { 'x-plain': 'visible' } });
  assert.match(plain.o.type === 'failed' ? plain.o.response ?? '' : '', /"x-plain":"visible"/);
  // A redirect's location echoing the query key is redacted too.
  const r = await sendTo((req, res) => res.writeHead(302, { location: `https://elsewhere.example${req.url}` }).end(), { connection: 'echo-query' });
  assert.doesNotMatch(r.o.type === 'failed' ? r.o.message : '', /s3cret/);
});

test('http - a 429 with Retry-After in seconds or as an HTTP date gives retryAfterMs', async () => {
  const s = await sendTo((_q, res) => res.writeHead(429, { 'retry-after': '7' }).end());
  assert.equal(s.o.type === 'failed' && s.o.retryAfterMs, 7000);
  const date = new Date(clock.now() + 90_000).toUTCString();
  const d = await sendTo((_q, res) => res.writeHead(503, { 'retry-after': date }).end());
  assert.equal(d.o.type === 'failed' && d.o.retryAfterMs, 90_000);
});

test('http - a redirect is not followed', async () => {
  const { o, seen } = await sendTo((_q, res) => res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end());
  assert.equal(o.type, 'failed');
  assert.equal(o.status, 307);
  assert.match(o.type === 'failed' ? o.message : '', /redirect not followed/);
  assert.equal(seen.length, 1);
});

test('http - an oversized response is cut to 1 KiB', async () => {
  const { o } = await sendTo((_q, res) => res.writeHead(500).end('é'.repeat(300_000)));
  assert.equal(o.type, 'failed');
  const r = o.type === 'failed' ? o.response ?? '' : '';
  assert.ok(Buffer.byteLength(r) <= 1024 && Buffer.byteLength(r) >= 1020, `excerpt of ${Buffer.byteLength(r)} bytes`);
  assert.ok(!r.includes('\uFFFD'), 'no broken character at the cut');
});

// Without the target's timeout the send would wait forever: the per-test timeout makes that a failure.
test('http - a receiver that never answers times out with class timeout', { timeout: 60_000 }, async () => {
  const { o } = await sendTo(() => undefined, { timeoutMs: 300 });
  assert.equal(o.type === 'failed' && o.errorClass, 'timeout');
});

test('http - a slow body after a 2xx is still delivered within the timeout', async () => {
  const { o } = await sendTo((_q, res) => {
    res.writeHead(200);
    res.write('partial');
    // the rest never comes; the excerpt read stops at the timeout
  }, { timeoutMs: 400 });
  assert.equal(o.type, 'delivered');
  assert.equal(o.type === 'delivered' && o.response, 'partial');
});

test('http - a connection reset fails with class network', async () => {
  const { o } = await sendTo((req) => req.socket.destroy());
  assert.equal(o.type === 'failed' && o.errorClass, 'network');
});

test('http - a refused connection fails with class network', async () => {
  const target = createTarget({ id: 't1', kind: 'http', url: 'http://127.0.0.1:1/x' }, world.deps());
  const o = await target.send([contractMessage()], new AbortController().signal);
  await target.close();
  assert.equal(o.type === 'failed' && o.errorClass, 'network');
});

test('http - the caller abort signal ends a pending request', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const { o } = await sendTo(() => undefined, { timeoutMs: 30_000 }, [contractMessage()], ac.signal);
  assert.equal(o.type, 'failed');
  assert.equal(o.type === 'failed' && o.message, 'aborted');
});

/** The receiver side of Standard Webhooks, written from the spec, independent of signing/. */
function verify(secret: string, headers: IncomingMessage['headers'], body: Buffer): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.`).update(body).digest('base64');
  return String(headers['webhook-signature']).split(' ').some((s) => s === `v1,${expected}`);
}

test('http - every delivery is signed per Standard Webhooks and verifies with the target secret', async () => {
  const m = contractMessage({ deliveryId: 'dlv-signed-1' });
  const { seen } = await sendTo((_q, res) => res.writeHead(200).end(), {}, [m]);
  const h = seen[0]!.headers;
  assert.equal(h['webhook-id'], 'dlv-signed-1');
  assert.equal(h['webhook-timestamp'], String(Math.floor(clock.now() / 1000)));
  const [secret] = (await world.keyring.activeSecrets({ bus: m.bus, rule: m.rule, targetId: m.targetId }, clock.now()));
  assert.match(secret!, /^whsec_/);
  assert.ok(verify(secret!, h, seen[0]!.body));
  assert.ok(!verify('whsec_' + Buffer.alloc(24, 1).toString('base64'), h, seen[0]!.body), 'another secret does not verify');
});

test('http - during a rotation overlap both secrets sign; after it only the new one', async () => {
  const ref = { bus: 'default', rule: 'rot', targetId: 't-rot' };
  const old = (await world.keyring.activeSecrets(ref, clock.now()))[0]!;
  await world.keyring.rotate(ref, clock.now(), 60_000);
  const fresh = (await world.keyring.activeSecrets(ref, clock.now()))[0]!;
  assert.notEqual(fresh, old);
  const m = contractMessage({ rule: 'rot', targetId: 't-rot' });
  const a = await sendTo((_q, res) => res.writeHead(200).end(), {}, [m]);
  assert.equal(String(a.seen[0]!.headers['webhook-signature']).split(' ').length, 2);
  assert.ok(verify(old, a.seen[0]!.headers, a.seen[0]!.body));
  assert.ok(verify(fresh, a.seen[0]!.headers, a.seen[0]!.body));
  clock.advance(60_001);
  const b = await sendTo((_q, res) => res.writeHead(200).end(), {}, [m]);
  assert.equal(String(b.seen[0]!.headers['webhook-signature']).split(' ').length, 1);
  assert.ok(verify(fresh, b.seen[0]!.headers, b.seen[0]!.body));
  assert.ok(!verify(old, b.seen[0]!.headers, b.seen[0]!.body));
});

test('http - an event that binary mode cannot carry goes structured', async () => {
  const ev = createEvent({ id: 'ce-in-ce', source: 'urn:x', type: 't', datacontenttype: 'application/cloudevents+json', data: { kind: 'json', value: { a: 1 } } });
  const m = contractMessage({ eventId: ev.id, outbound: { type: 'event', event: ev } });
  const { seen } = await sendTo((_q, res) => res.writeHead(200).end(), {}, [m]);
  assert.match(String(seen[0]!.headers['content-type']), /^application\/cloudevents\+json/);
  assert.equal(seen[0]!.headers['ce-id'], undefined);
});
