import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ManualClock, SwitchyardError } from '../../core/index.js';
import { SecretBox, loadSecretKey, SECRET_KEY_FILE } from './index.js';
import { createTarget } from '../targets/index.js';
import { contractMessage } from '../targets.contract.js';
import { testWorld } from '../targets/test-deps.contract.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ base: string; close: () => void }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const clock = new ManualClock();
const world = testWorld({ clock });
const closers: (() => unknown)[] = [];
after(async () => {
  for (const c of closers) await c();
  await world.close();
});
const never = new AbortController().signal;

test('secret box - sealed text opens with the same key and context only', async () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('p@ss', 'conn-a');
  assert.ok(!sealed.includes('p@ss'));
  assert.equal(box.open(sealed, 'conn-a'), 'p@ss');
  assert.notEqual(box.seal('p@ss', 'conn-a'), sealed, 'a fresh IV per seal');
  assert.throws(() => box.open(sealed, 'conn-b'), (e: unknown) => e instanceof SwitchyardError && e.code === 'SWY_DELIVERY_CONNECTION_UNREADABLE');
  assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'conn-a'), /cannot be decrypted/);
  assert.throws(() => new SecretBox(randomBytes(16)), (e: unknown) => e instanceof SwitchyardError && e.code === 'SWY_DELIVERY_CONNECTION_KEY_INVALID');
});

test('secret key - generated once in the data dir with mode 0600, then reused; a configured key wins', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-key-'));
  try {
    const a = loadSecretKey(undefined, dir);
    const file = path.join(dir, SECRET_KEY_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
    assert.deepEqual(loadSecretKey(undefined, dir), a);
    const configured = randomBytes(32).toString('base64');
    assert.deepEqual(loadSecretKey(configured, dir), Buffer.from(configured, 'base64'));
    assert.throws(() => loadSecretKey('c2hvcnQ=', dir), (e: unknown) => e instanceof SwitchyardError && e.code === 'SWY_DELIVERY_CONNECTION_KEY_INVALID');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('connections - secrets are sealed in the store and masked in views', async () => {
  const { connection, created } = (await world.vault.put('basic-1', { kind: 'basic', username: 'u', password: 'hunter2', description: 'd' }));
  assert.equal(created, true);
  assert.deepEqual({ ...connection, createdAt: 0, updatedAt: 0 }, { name: 'basic-1', kind: 'basic', description: 'd', username: 'u', password: '***', createdAt: 0, updatedAt: 0 });
  const rec = (await world.store.catalog.connections.get('basic-1'))!;
  assert.ok(!JSON.stringify(rec).includes('hunter2'));
  assert.ok(!JSON.stringify((await world.vault.list())).includes('hunter2'));
});

test('connections - an update may omit the secret and keeps the stored one', async () => {
  await world.vault.put('basic-keep', { kind: 'basic', username: 'u', password: 'pw1' });
  const { created } = (await world.vault.put('basic-keep', { kind: 'basic', username: 'u2' }));
  assert.equal(created, false);
  // What the receiver saw (an echo in the response would be redacted from the kept excerpt).
  const seen: (string | undefined)[] = [];
  const rx = await serve((req, _b, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200).end();
  });
  closers.push(rx.close);
  const t = createTarget({ id: 't', kind: 'http', url: `${rx.base}/x`, connection: 'basic-keep' }, world.deps());
  const o = await t.send([contractMessage()], never);
  await t.close();
  assert.equal(o.type, 'delivered');
  assert.deepEqual(seen, [`Basic ${Buffer.from('u2:pw1').toString('base64')}`]);
});

test('connections - invalid bodies list every problem', async () => {
  const err = await (async () => {
    try {
      await world.vault.put('bad', { kind: 'apiKey', in: 'cookie', name: 'bad name', extra: 1 });
    } catch (e) {
      return e as SwitchyardError;
    }
    return undefined;
  })();
  assert.equal(err?.code, 'SWY_DELIVERY_CONNECTION_INVALID');
  assert.deepEqual(err?.violations.map((v) => v.path).sort(), ['/extra', '/in', '/value']);
  await assert.rejects(async () => world.vault.put('bad2', { kind: 'kerberos' }), /problem/);
  await assert.rejects(async () => world.vault.put('bad3', { kind: 'oauth2', tokenUrl: 'ftp://x', clientId: 'c', clientSecret: 's' }), /problem/);
});

test('connections - api key in a header or in the query', async () => {
  const rx = await serve((req, _b, res) => res.writeHead(200).end(`${req.url} ${req.headers['x-api-key'] ?? '-'}`));
  closers.push(rx.close);
  await world.vault.put('key-h', { kind: 'apiKey', in: 'header', keyName: 'X-Api-Key', value: 'k1' });
  await world.vault.put('key-q', { kind: 'apiKey', in: 'query', keyName: 'token', value: 'k 2' });
  for (const [conn, expected] of [['key-h', '/x?a=1 k1'], ['key-q', '/x?a=1&token=k+2 -']] as const) {
    const t = createTarget({ id: 't', kind: 'http', url: `${rx.base}/x?a=1`, connection: conn }, world.deps());
    const o = await t.send([contractMessage()], never);
    await t.close();
    assert.equal(o.type === 'delivered' && o.response, expected);
  }
});

test('connections - an apiKey connection is shown under its own name, with keyName; the old spelling name is still taken', async () => {
  const { connection } = (await world.vault.put('apik', { kind: 'apiKey', in: 'header', keyName: 'X-Api-Key', value: 'v' }));
  assert.equal(connection.name, 'apik');
  assert.equal(connection.keyName, 'X-Api-Key');
  const legacy = (await world.vault.put('apik-old', { kind: 'apiKey', in: 'header', name: 'X-Old-Key', value: 'v2' })).connection;
  assert.deepEqual({ ...legacy, createdAt: 0, updatedAt: 0 }, { name: 'apik-old', kind: 'apiKey', description: null, in: 'header', keyName: 'X-Old-Key', value: '***', createdAt: 0, updatedAt: 0 });
  assert.deepEqual((await world.vault.list()).filter((c) => c.name.startsWith('apik')).map((c) => [c.name, c.keyName]), [['apik', 'X-Api-Key'], ['apik-old', 'X-Old-Key']]);
  // A config stored before the rename (`name` in the stored config) reads the same way.
  const rec = (await world.store.catalog.connections.get('apik-old'))!;
  await world.store.catalog.connections.put({ name: rec.name, kind: rec.kind, description: rec.description, config: { in: 'header', name: 'X-Stored-Key' }, sealed: rec.sealed });
  assert.equal((await world.vault.get('apik-old'))?.name, 'apik-old');
  assert.equal((await world.vault.get('apik-old'))?.keyName, 'X-Stored-Key');
  const rx = await serve((req, _b, res) => res.writeHead(200).end(String(req.headers['x-stored-key'])));
  closers.push(rx.close);
  const t = createTarget({ id: 't', kind: 'http', url: `${rx.base}/x`, connection: 'apik-old' }, world.deps());
  const o = await t.send([contractMessage()], never);
  await t.close();
  assert.equal(o.type === 'delivered' && o.response, 'v2');
  // Both spellings at once, or a bad header name under either, are refused with the field named.
  const paths = async (body: Record<string, unknown>): Promise<string[]> => {
    try {
      await world.vault.put('apik-bad', body);
    } catch (e) {
      return (e as SwitchyardError).violations.map((v) => v.path);
    }
    return [];
  };
  assert.deepEqual(await paths({ kind: 'apiKey', in: 'header', keyName: 'a', name: 'b', value: 'v' }), ['/name']);
  assert.deepEqual(await paths({ kind: 'apiKey', in: 'header', keyName: 'bad name', value: 'v' }), ['/keyName']);
  assert.deepEqual(await paths({ kind: 'apiKey', in: 'header', value: 'v' }), ['/keyName']);
});

test('connections - a missing connection fails with class config', async () => {
  const t = createTarget({ id: 't', kind: 'http', url: 'http://127.0.0.1:1/x', connection: 'nope' }, world.deps());
  const o = await t.send([contractMessage()], never);
  await t.close();
  assert.equal(o.type === 'failed' && o.errorClass, 'config');
});

test('oauth2 - the token is fetched with client credentials, cached, refreshed before expiry and after a 401', async () => {
  let issued = 0;
  const tokenRequests: { auth: string | undefined; body: string }[] = [];
  const tokens = await serve((req, body, res) => {
    tokenRequests.push({ auth: req.headers.authorization, body });
    issued += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: 3600 }));
  });
  closers.push(tokens.close);
  let revoked = '';
  const auths: string[] = [];
  const api = await serve((req, _b, res) => {
    const auth = req.headers.authorization ?? '';
    auths.push(auth);
    res.writeHead(auth === `Bearer ${revoked}` ? 401 : 200).end();
  });
  closers.push(api.close);
  await world.vault.put('oauth', { kind: 'oauth2', tokenUrl: `${tokens.base}/token`, clientId: 'cid', clientSecret: 's3cret', scope: 'events:write' });
  const t = createTarget({ id: 't', kind: 'http', url: `${api.base}/x`, connection: 'oauth' }, world.deps());
  closers.push(() => t.close());

  const first = await Promise.all([t.send([contractMessage()], never), t.send([contractMessage()], never)]);
  assert.deepEqual(first.map((o) => o.type), ['delivered', 'delivered']);
  assert.deepEqual(auths, ['Bearer tok-1', 'Bearer tok-1']);
  assert.equal(issued, 1, 'one token fetch for concurrent sends');
  assert.equal(tokenRequests[0]!.auth, `Basic ${Buffer.from('cid:s3cret').toString('base64')}`);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequests[0]!.body)), { grant_type: 'client_credentials', scope: 'events:write' });

  clock.advance(3600_000 - 60_000 - 1);
  assert.equal((await t.send([contractMessage()], never)).type, 'delivered');
  assert.equal(issued, 1, 'still cached just before the refresh margin');
  clock.advance(2);
  assert.equal((await t.send([contractMessage()], never)).type, 'delivered');
  assert.equal(auths.at(-1), 'Bearer tok-2');

  revoked = 'tok-2';
  assert.equal((await t.send([contractMessage()], never)).type, 'delivered');
  assert.deepEqual(auths.slice(-2), ['Bearer tok-2', 'Bearer tok-3'], 'a 401 refreshes the token and retries once');
  const before = issued;
  const api401 = await serve((_q, _b, res) => res.writeHead(401).end('no'));
  closers.push(api401.close);
  const t2 = createTarget({ id: 't2', kind: 'http', url: `${api401.base}/x`, connection: 'oauth' }, world.deps());
  const o = await t2.send([contractMessage()], never);
  await t2.close();
  assert.equal(o.status, 401, 'a second 401 is the outcome (retried once only)');
  assert.equal(issued, before + 1, 'exactly one refresh');
});

test('oauth2 - a failing token endpoint fails the delivery with its status and no secret in the message', async () => {
  const tokens = await serve((_q, _b, res) => res.writeHead(400).end('{"error":"invalid_client"}'));
  closers.push(tokens.close);
  await world.vault.put('oauth-bad', { kind: 'oauth2', tokenUrl: `${tokens.base}/token`, clientId: 'cid', clientSecret: 'topsecret', clientAuth: 'body' });
  const t = createTarget({ id: 't', kind: 'http', url: `${tokens.base}/x`, connection: 'oauth-bad' }, world.deps());
  const o = await t.send([contractMessage()], never);
  await t.close();
  assert.equal(o.type, 'failed');
  assert.equal(o.status, 400);
  assert.ok(!JSON.stringify(o).includes('topsecret'));
});

test('oauth2 - the token endpoint is behind the SSRF guard too', async () => {
  const guarded = testWorld({ clock, allowPrivateNetworks: false });
  try {
    await guarded.vault.put('oauth-priv', { kind: 'oauth2', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'c', clientSecret: 's' });
    const t = createTarget({ id: 't', kind: 'http', url: 'https://example.invalid/x', connection: 'oauth-priv' }, guarded.deps());
    const o = await t.send([contractMessage()], never);
    await t.close();
    assert.equal(o.type === 'failed' && o.errorClass, 'blocked');
  } finally {
    await guarded.close();
  }
});
