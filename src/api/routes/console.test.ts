import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { installProblemHandler } from '../problem-handler.js';
import { consoleRoutes, consoleSecurityHeaders } from './console.js';

// A console build folder made by the test: index.html, a hashed asset, and a secret beside the folder.
const base = mkdtempSync(path.join(tmpdir(), 'swy-console-'));
const dir = path.join(base, 'console');
mkdirSync(path.join(dir, 'assets'), { recursive: true });
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'export const x = 1;');
writeFileSync(path.join(base, 'secret.txt'), 'do not serve');
const app = Fastify();
installProblemHandler(app);
await app.register(consoleRoutes, { dir });
const missing = Fastify();
installProblemHandler(missing);
await missing.register(consoleRoutes, { dir: path.join(base, 'not-built') });
after(async () => {
  await app.close();
  await missing.close();
  rmSync(base, { recursive: true, force: true });
});

test('console route - index.html for pages, files for assets, with the security headers', async () => {
  for (const url of ['/console/', '/console/events', '/console/events/default/e1', '/console/rules/edit?bus=default']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 200, url);
    assert.match(r.headers['content-type'] as string, /^text\/html/);
    assert.equal(r.body, '<!doctype html><title>console</title>');
    assert.equal(r.headers['cache-control'], 'no-cache');
    for (const [k, v] of Object.entries(consoleSecurityHeaders)) assert.equal(r.headers[k], v, `${url} ${k}`);
  }
  const csp = consoleSecurityHeaders['content-security-policy']!;
  for (const d of ["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "default-src 'self'"]) assert.ok(csp.includes(d), d);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  const js = await app.inject({ url: '/console/assets/index-abc.js' });
  assert.equal(js.statusCode, 200);
  assert.match(js.headers['content-type'] as string, /javascript/);
  assert.match(js.headers['cache-control'] as string, /immutable/);
  assert.equal(js.headers['x-content-type-options'], 'nosniff');
  const bare = await app.inject({ url: '/console' });
  assert.equal(bare.statusCode, 308);
  assert.equal(bare.headers.location, '/console/');
});

test('console route - hostile paths: no file outside the build folder, missing assets are 404 problems', async () => {
  const nope = await app.inject({ url: '/console/assets/nope.js' });
  assert.equal(nope.statusCode, 404);
  assert.match(nope.headers['content-type'] as string, /problem\+json/);
  for (const url of ['/console/assets/..%2f..%2fsecret.txt', '/console/assets/%2e%2e/%2e%2e/secret.txt', '/console/..%2fsecret.txt', '/console/assets/..%5c..%5csecret.txt', '/console/assets/%00.js', '/console/secret.txt']) {
    const r = await app.inject({ url });
    assert.ok(!r.body.includes('do not serve'), url);
    assert.ok(r.statusCode === 200 ? r.body.startsWith('<!doctype html>') : r.statusCode >= 400 && r.statusCode < 500, `${url}: ${r.statusCode}`);
  }
});

test('console route - without a build: 503 SWY_API_CONSOLE_NOT_BUILT, not a crash', async () => {
  const r = await missing.inject({ url: '/console/' });
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().code, 'SWY_API_CONSOLE_NOT_BUILT');
  assert.equal(r.headers['x-frame-options'], 'DENY');
});
