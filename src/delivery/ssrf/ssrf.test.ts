import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockedReason, allowPrivateNetworksFor } from './index.js';
import { createTarget } from '../targets/index.js';
import { contractMessage } from '../targets.contract.js';
import { testWorld } from '../targets/test-deps.contract.js';

const table: [string, string | undefined][] = [
  ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'], ['[::1]', 'loopback'],
  ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'],
  ['fc00::1', 'private'], ['fd12:3456::1', 'private'],
  ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'],
  ['100.64.0.1', 'cgnat'], ['100.127.255.254', 'cgnat'],
  ['169.254.169.254', 'metadata'], ['fd00:ec2::254', 'metadata'],
  ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
  ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'], ['255.255.255.255', 'broadcast'],
  ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:10.0.0.1', 'private'], ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['8.8.8.8', undefined], ['1.1.1.1', undefined], ['172.32.0.1', undefined], ['100.128.0.1', undefined],
  ['2606:4700:4700::1111', undefined], ['::ffff:8.8.8.8', undefined],
  ['not-an-ip', 'reserved'],
];

for (const [ip, reason] of table) {
  test(`ssrf - ${ip} is ${reason ?? 'allowed'}`, () => {
    assert.equal(blockedReason(ip), reason);
  });
}

test('ssrf - allowPrivateNetworks auto follows the listen address', () => {
  assert.equal(allowPrivateNetworksFor('auto', '127.0.0.1'), true);
  assert.equal(allowPrivateNetworksFor('auto', '::1'), true);
  assert.equal(allowPrivateNetworksFor('auto', 'localhost'), true);
  assert.equal(allowPrivateNetworksFor('auto', '0.0.0.0'), false);
  assert.equal(allowPrivateNetworksFor('auto', '10.0.0.5'), false);
  assert.equal(allowPrivateNetworksFor('true', '0.0.0.0'), true);
  assert.equal(allowPrivateNetworksFor('false', '127.0.0.1'), false);
});

const guarded = testWorld({ allowPrivateNetworks: false });
const open = testWorld({ allowPrivateNetworks: true });
let hits = 0;
const server = createServer((_q, res) => {
  hits += 1;
  res.writeHead(200).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
after(async () => {
  server.close();
  await guarded.close();
  await open.close();
});

for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '169.254.169.254']) {
  test(`ssrf - with private networks disallowed, http://${host} is blocked before any byte is sent`, async () => {
    const before = hits;
    const t = createTarget({ id: 't', kind: 'http', url: `http://${host}:${port}/x`, timeoutMs: 2000 }, guarded.deps());
    const o = await t.send([contractMessage()], new AbortController().signal);
    await t.close();
    assert.equal(o.type, 'failed');
    assert.equal(o.type === 'failed' && o.errorClass, 'blocked', JSON.stringify(o));
    assert.equal(hits, before);
  });
}

test('ssrf - with private networks allowed, loopback (by name) is reached', async () => {
  const t = createTarget({ id: 't', kind: 'http', url: `http://localhost:${port}/x` }, open.deps());
  const o = await t.send([contractMessage()], new AbortController().signal);
  await t.close();
  assert.equal(o.type, 'delivered', JSON.stringify(o));
});
