import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorAreas, errorRegistry } from './registry.js';
import { renderErrorsDoc } from './render-doc.js';
import { SwitchyardError } from './switchyard-error.js';
import { toProblem } from './problem.js';

test('errors - docs/errors.md is generated from the registry (run npm run docs:errors)', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(doc, renderErrorsDoc());
});

test('errors - every code is SWY_<AREA>_<WHAT>, unique across areas, with a 4xx/5xx status', () => {
  const seen = new Set<string>();
  for (const [, table] of errorAreas) {
    for (const [code, spec] of Object.entries(table)) {
      assert.match(code, /^SWY_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      assert.ok(!seen.has(code), `duplicate code ${code}`);
      seen.add(code);
      assert.ok(spec.status >= 400 && spec.status < 600, `${code} status`);
      assert.ok(spec.doc.length > 10, `${code} needs documentation`);
    }
  }
  assert.equal(seen.size, Object.keys(errorRegistry).length);
});

test('errors - a problem document carries code, status, violations and never the cause', () => {
  const err = new SwitchyardError('SWY_INTERNAL', 'boom', {
    cause: new Error('secret db path'),
    violations: [{ path: '/x', reason: 'bad' }],
  });
  const p = toProblem(err, '/v1/x');
  assert.equal(p.code, 'SWY_INTERNAL');
  assert.equal(p.status, 500);
  assert.deepEqual(p.violations, [{ path: '/x', reason: 'bad' }]);
  assert.ok(!JSON.stringify(p).includes('secret'));
});
