// Connections and the log target end to end, through the API and a real delivery: an OAuth2
// client-credentials connection against a token endpoint on loopback (token fetched once, sent as
// Bearer, refreshed after a 401), a basic-auth connection, and a log target writing one JSON line
// per delivery to the server's log stream. Secrets never come back from the API.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { call, ce, until } from './_client.js';
import { startTestServer } from './harness.js';
import { putEvents, putRule, startReceiver, untilFinal } from './_delivery-receiver.js';

/** A token endpoint: answers client-credentials requests with tok-1, tok-2, … and records them. */
async function startTokenEndpoint(): Promise<{ url: string; requests: { auth: string | undefined; body: string }[]; close: () => Promise<void> }> {
  const requests: { auth: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ auth: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `tok-${requests.length}`, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('delivery connections - oauth2 client credentials: one token for many deliveries, sent as Bearer, refreshed after a 401', async () => {
  const idp = await startTokenEndpoint();
  let revoked: string | undefined;
  const rx = await startReceiver((r) => ({ status: r.headers['authorization'] === `Bearer ${revoked}` ? 401 : 200 }));
  const t = await startTestServer();
  try {
    const c = await call<Record<string, unknown>>(t.url, '/v1/connections/idp', {
      method: 'PUT', json: { kind: 'oauth2', tokenUrl: idp.url, clientId: 'switchyard', clientSecret: 'cl1ent-s3cret', scope: 'events:write' },
    });
    assert.equal(c.status, 201, c.text);
    assert.doesNotMatch(c.text, /cl1ent-s3cret/);
    await putRule(t.url, 'default', 'oauth', { filter: { pattern: { type: ['secured'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, connection: 'idp' }] });
    await putEvents(t.url, 'default', [ce('o1', { type: 'secured' }), ce('o2', { type: 'secured' }), ce('o3', { type: 'secured' })]);
    await rx.until('three deliveries', (r) => r.length === 3);
    assert.deepEqual(rx.requests.map((r) => r.headers['authorization']), ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
    assert.equal(idp.requests.length, 1, 'the token is cached');
    assert.equal(idp.requests[0]!.auth, `Basic ${Buffer.from('switchyard:cl1ent-s3cret').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(idp.requests[0]!.body)), { grant_type: 'client_credentials', scope: 'events:write' });

    revoked = 'tok-1';
    await putEvents(t.url, 'default', [ce('o4', { type: 'secured' })]);
    await untilFinal(t.url, 'default', 'o4', 'delivered');
    assert.equal(idp.requests.length, 2, 'a 401 fetched a new token');
    assert.deepEqual(rx.requests.filter((r) => r.headers['ce-id'] === 'o4').map((r) => r.headers['authorization']), ['Bearer tok-1', 'Bearer tok-2']);
    const list = await call(t.url, '/v1/connections');
    assert.doesNotMatch(list.text, /cl1ent-s3cret/);
  } finally {
    await t.close();
    await rx.close();
    await idp.close();
  }
});

test('delivery connections - basic auth sends the credentials; the password is never shown', async () => {
  const rx = await startReceiver();
  const t = await startTestServer();
  try {
    const c = await call<Record<string, unknown>>(t.url, '/v1/connections/partner', { method: 'PUT', json: { kind: 'basic', username: 'svc', password: 'pässwörd' } });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.password, '***');
    await putRule(t.url, 'default', 'basic', { filter: { pattern: { type: ['basic'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, connection: 'partner' }] });
    await putEvents(t.url, 'default', [ce('b1', { type: 'basic' })]);
    await rx.until('one delivery', (r) => r.length === 1);
    assert.equal(rx.requests[0]!.headers['authorization'], `Basic ${Buffer.from('svc:pässwörd', 'utf8').toString('base64')}`);
    assert.doesNotMatch((await call(t.url, '/v1/connections/partner')).text, /pässwörd/);
  } finally {
    await t.close();
    await rx.close();
  }
});

test('delivery connections - a log target writes one JSON line per delivery with the event', async () => {
  const logs = new PassThrough();
  let text = '';
  logs.setEncoding('utf8');
  logs.on('data', (c: string) => (text += c));
  const t = await startTestServer({}, { logStream: logs });
  try {
    await putRule(t.url, 'default', 'audit', { filter: { pattern: { type: ['audited'] } }, targets: [{ id: 'log', kind: 'log', level: 'warn' }] });
    await putEvents(t.url, 'default', [ce('l1', { type: 'audited', data: { amount: 12.5, note: 'line\nbreak "quoted"' } })]);
    await untilFinal(t.url, 'default', 'l1', 'delivered');
    await until('the log line', () => text.includes('"msg":"delivery"'));
    const line = text.split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) as Record<string, unknown> : undefined)).find((o) => o?.['msg'] === 'delivery')!;
    assert.equal(line['level'], 40);
    assert.equal(line['bus'], 'default');
    assert.equal(line['rule'], 'audit');
    assert.equal(line['target'], 'log');
    const event = line['event'] as Record<string, unknown>;
    assert.equal(event['id'], 'l1');
    assert.deepEqual(event['data'], { amount: 12.5, note: 'line\nbreak "quoted"' });
  } finally {
    await t.close();
  }
});
