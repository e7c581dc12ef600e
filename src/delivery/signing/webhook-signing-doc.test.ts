import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../core/index.js';
import { createTarget } from '../targets/index.js';
import { contractMessage } from '../targets.contract.js';
import { testWorld } from '../targets/test-deps.contract.js';

type Verify = (secret: string, headers: IncomingHttpHeaders, body: Buffer, nowSeconds?: number) => boolean;

/** The first ```js block of docs/webhook-signing.md, imported as a module. */
async function docVerifier(): Promise<Verify> {
  const md = readFileSync(new URL('../../../docs/webhook-signing.md', import.meta.url), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(md)![1]!;
  const mod = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { verifyWebhook: Verify };
  return mod.verifyWebhook;
}

const clock = new ManualClock(Date.UTC(2026, 4, 1));
const world = testWorld({ clock });
const got: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    got.push({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
after(async () => {
  server.close();
  await world.close();
});

test('webhook signing doc - the documented verifier accepts real deliveries, also during a rotation', async () => {
  const verifyWebhook = await docVerifier();
  const t = createTarget({ id: 'doc', kind: 'http', url }, world.deps());
  const m = contractMessage({ rule: 'doc', targetId: 'doc' });
  const ref = { bus: m.bus, rule: 'doc', targetId: 'doc' };
  await t.send([m], new AbortController().signal);
  const now = Math.floor(clock.now() / 1000);
  const secret = (await world.keyring.activeSecrets(ref, clock.now()))[0]!;
  assert.equal(verifyWebhook(secret, got[0]!.headers, got[0]!.body, now), true);
  assert.equal(verifyWebhook(secret, got[0]!.headers, Buffer.concat([got[0]!.body, Buffer.from(' ')]), now), false, 'tampered body');
  assert.equal(verifyWebhook(secret, got[0]!.headers, got[0]!.body, now + 301), false, 'stale timestamp');
  await world.keyring.rotate(ref, clock.now(), 60_000);
  const fresh = (await world.keyring.activeSecrets(ref, clock.now()))[0]!;
  await t.send([contractMessage({ rule: 'doc', targetId: 'doc' }), contractMessage({ rule: 'doc', targetId: 'doc' })], new AbortController().signal);
  await t.close();
  assert.equal(verifyWebhook(secret, got[1]!.headers, got[1]!.body, now), true, 'old secret during the overlap');
  assert.equal(verifyWebhook(fresh, got[1]!.headers, got[1]!.body, now), true, 'new secret');
});
