import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent } from '../../../events/index.js';
import { contractMessage } from '../../targets.contract.js';
import type { OutboundMessage } from '../../target.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';

const world = testWorld();
const strict = testWorld({ allowPrivateNetworks: false });
after(async () => {
  await world.close();
  await strict.close();
});

async function receiver(): Promise<{ url: string; seen: { url: string; headers: IncomingMessage['headers'] }[]; close: () => void }> {
  const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

function message(data: Record<string, unknown>): OutboundMessage {
  return { ...contractMessage(), outbound: { type: 'event', event: createEvent({ id: 'e-1', source: 's', type: 'order.created', data: { kind: 'json', value: data } as never }) } };
}

const spec = (base: string): Record<string, unknown> => ({
  id: 't', kind: 'http', url: `${base}/tenants/\${tenant}/orders/\${order}`,
  query: { type: '${type}', region: 'eu-${region}', rule: '${switchyard.rule-name}' },
  headers: { 'x-tenant': '${tenant}', 'x-static': 'fixed' },
  variables: { tenant: '$.data.tenant', order: '$.data.order', type: '$.type', region: '$.data.region' },
});

test('http dynamic request - path, query and header values are rendered per message; path values are one encoded segment', async () => {
  const rx = await receiver();
  const t = createTarget(spec(rx.url), world.deps());
  try {
    const o = await t.send([message({ tenant: 'acme', order: 'a/b c?d', region: 'west' })], new AbortController().signal);
    assert.equal(o.type, 'delivered', JSON.stringify(o));
    const s = rx.seen[0]!;
    const u = new URL(s.url, 'http://x');
    assert.equal(u.pathname, '/tenants/acme/orders/a%2Fb%20c%3Fd');
    assert.equal(u.searchParams.get('type'), 'order.created');
    assert.equal(u.searchParams.get('region'), 'eu-west');
    assert.equal(u.searchParams.get('rule'), 'r1');
    assert.equal(s.headers['x-tenant'], 'acme');
    assert.equal(s.headers['x-static'], 'fixed');
  } finally {
    await t.close();
    rx.close();
  }
});

test('http dynamic request - a value that cannot be sent is rejected (not retried), and nothing is sent', async () => {
  const rx = await receiver();
  const t = createTarget(spec(rx.url), world.deps());
  try {
    for (const data of [{ tenant: '..', order: '1' }, { tenant: 'a\r\nx-injected: 1', order: '1' }, { tenant: 'ok', order: '' }, { tenant: 'ünï©ødé✓', order: '1' }]) {
      const o = await t.send([message(data)], new AbortController().signal);
      assert.equal(o.type === 'failed' && o.errorClass, 'rejected', `${JSON.stringify(data)} → ${JSON.stringify(o)}`);
    }
    assert.equal(rx.seen.length, 0);
  } finally {
    await t.close();
    rx.close();
  }
});

test('http dynamic request - the SSRF guard applies to the final URL', async () => {
  const rx = await receiver();
  const t = createTarget(spec(rx.url), strict.deps());
  try {
    const o = await t.send([message({ tenant: 'acme', order: '1' })], new AbortController().signal);
    assert.equal(o.type === 'failed' && o.errorClass, 'blocked', JSON.stringify(o));
    assert.equal(rx.seen.length, 0);
  } finally {
    await t.close();
    rx.close();
  }
});

test('http dynamic request - placeholders outside the path, bad query and unknown variables are refused when the rule is saved', () => {
  const v = validateTargetSpec({
    kind: 'http', url: 'https://${host}.example.com/a/${nope}', query: { q: '${alsoNope}', bad: 5 }, headers: { 'x-a': '${type}' }, variables: { type: '$.type' },
  }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), ['/query/bad', '/query/q', '/url']);
  assert.ok(v.some((x) => x.path === '/url' && /only in the path/.test(x.reason)));
  assert.ok(v.some((x) => x.path === '/query/q' && /unknown variable "alsoNope"/.test(x.reason)), JSON.stringify(v));
  const w = validateTargetSpec({ kind: 'http', url: 'https://h.example.com/a?x=${type}' }, '');
  assert.deepEqual(w.map((x) => x.path), ['/url']);
  const y = validateTargetSpec({ kind: 'http', url: 'https://h.example.com/a', variables: { a: '$.id' } }, '');
  assert.deepEqual(y.map((x) => x.path), ['/variables']);
  const z = validateTargetSpec({ kind: 'http', url: 'https://h.example.com/a/${x}', variables: { x: 'no path' } }, '');
  assert.ok(z.some((x) => x.path.startsWith('/variables/x')), JSON.stringify(z));
});
