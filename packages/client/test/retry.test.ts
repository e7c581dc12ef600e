// Retries against real local HTTP servers: 503 with Retry-After then 200, 429, a dropped
// connection, and the calls that must not be retried. The sleeps are recorded (not slept) so
// the delays asked for are checked without waiting for them.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ApiError, NetworkError, SwitchyardClient } from '../src/index.js';
import { parseRetryAfter, retryDelay, type RetryPolicy } from '../src/retry.js';

interface Seen { method: string; url: string; body: string }
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'drop';

async function server(script: (n: number, seen: Seen) => Answer): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      const a = script(seen.length, r);
      if (a === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    }),
  };
}

function clientFor(url: string, sleeps: number[], retry: Partial<RetryPolicy> = {}): SwitchyardClient {
  return new SwitchyardClient({ baseUrl: url, retry, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) });
}

const busy = { status: 503, headers: { 'retry-after': '2', 'content-type': 'application/problem+json' }, body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'SWY_STORE_UNAVAILABLE', detail: 'busy' }) };
const put = { status: 202, body: JSON.stringify({ results: [{ id: 'a', source: '/s', sequence: 1 }] }) };

test('retry - a put answered 503 with Retry-After is sent again after that delay, the same event each time, and succeeds', async () => {
  const s = await server((n) => (n <= 2 ? busy : put));
  try {
    const sleeps: number[] = [];
    const r = await clientFor(s.url, sleeps).events.put('orders', { source: '/s', type: 't', data: 1 });
    assert.equal(r[0]!.sequence, 1);
    assert.equal(s.seen.length, 3);
    assert.deepEqual(sleeps, [2000, 2000]);
    const ids = s.seen.map((x) => (JSON.parse(x.body) as { id: string }).id);
    assert.equal(new Set(ids).size, 1, 'a retried put repeats the same id, so the server deduplicates it');
  } finally {
    await s.close();
  }
});

test('retry - 429 without Retry-After backs off exponentially with jitter; after the retries the problem is thrown', async () => {
  const s = await server(() => ({ status: 429, body: JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, code: 'SWY_API_RATE_LIMITED' }) }));
  try {
    const sleeps: number[] = [];
    const err = await clientFor(s.url, sleeps, { retries: 3, baseDelayMs: 100 }).buses.list().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'SWY_API_RATE_LIMITED');
    assert.equal(s.seen.length, 4);
    assert.deepEqual(sleeps, [50, 100, 200]);
  } finally {
    await s.close();
  }
});

test('retry - a dropped connection is retried for an idempotent call; a NetworkError once the retries are spent', async () => {
  const s = await server((n) => (n === 1 ? 'drop' : { status: 200, body: JSON.stringify({ items: [] }) }));
  try {
    assert.deepEqual(await clientFor(s.url, []).buses.list(), []);
    assert.equal(s.seen.length, 2);
  } finally {
    await s.close();
  }
  const down = await server(() => 'drop');
  try {
    const err = await clientFor(down.url, [], { retries: 1 }).buses.get('x').catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(down.seen.length, 2);
  } finally {
    await down.close();
  }
});

test('retry - a bus create (POST, not deduplicated) is never retried; retries: 0 turns retries off', async () => {
  const s = await server(() => busy);
  try {
    const err = await clientFor(s.url, []).buses.create({ name: 'b' }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.status === 503 && err.code === 'SWY_STORE_UNAVAILABLE');
    assert.equal(s.seen.length, 1);
    const off = await clientFor(s.url, [], { retries: 0 }).buses.list().catch((e: unknown) => e);
    assert.ok(off instanceof ApiError);
    assert.equal(s.seen.length, 2);
  } finally {
    await s.close();
  }
});

test('retry - a Retry-After longer than maxRetryAfterMs is not waited for', async () => {
  const s = await server(() => ({ ...busy, headers: { 'retry-after': '3600' } }));
  try {
    const sleeps: number[] = [];
    const err = await clientFor(s.url, sleeps).buses.list().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.status === 503);
    assert.deepEqual(sleeps, []);
    assert.equal(s.seen.length, 1);
  } finally {
    await s.close();
  }
});

test('retry - a non-problem error body still gives an ApiError with HTTP_<status>', async () => {
  const s = await server(() => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' }));
  try {
    const err = await clientFor(s.url, []).buses.list().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'HTTP_502');
    assert.match(err.detail ?? '', /Bad gateway/);
  } finally {
    await s.close();
  }
});

test('retry - Retry-After as seconds or an HTTP date; delays grow to the cap', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(parseRetryAfter('5', now), 5000);
  assert.equal(parseRetryAfter(new Date(now + 7000).toUTCString(), now), 7000);
  assert.equal(parseRetryAfter(new Date(now - 7000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
  const p = { retries: 10, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => retryDelay(p, a, undefined, 0.999)), [99, 199, 399, 799, 999, 999]);
  assert.equal(retryDelay(p, 10, undefined, 0.5), undefined);
  assert.equal(retryDelay(p, 0, 6000, 0.5), undefined);
});
