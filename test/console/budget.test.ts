// The console's size budget (issue 19): the JavaScript the console's page loads at start, gzipped,
// at most 300 KB. Read from the build the server serves (dist/console/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildIfStale, repoRoot } from './_browser.js';

const BUDGET = 300 * 1024;

test('console budget - the main JavaScript is at most 300 KB gzipped; every asset is local', () => {
  buildIfStale();
  const dir = path.join(repoRoot, 'dist', 'console');
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  for (const r of refs) assert.ok(r.startsWith('/console/'), `${r} is served by the server itself`);
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script (the CSP forbids them)');
  const scripts = refs.filter((r) => r.endsWith('.js'));
  assert.ok(scripts.length >= 1);
  let total = 0;
  for (const s of scripts) total += gzipSync(readFileSync(path.join(dir, s.slice('/console/'.length)))).length;
  assert.ok(total <= BUDGET, `main JavaScript is ${Math.round(total / 1024)} KB gzipped (budget ${BUDGET / 1024} KB)`);
});
