// The built package (packages/client/dist, made by `npm run build` / the pretest build) resolves
// by its name through the workspace link and its `exports`, and exposes what the source does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as source from '../src/index.js';

test('client package - @switchyard/client resolves to the built dist with the same exports and its type declarations', async () => {
  const name = '@switchyard/client'; // not a literal import: the typecheck must not need dist/
  const built = (await import(name)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(built).sort(), Object.keys(source).sort());
  assert.equal(typeof built.SwitchyardClient, 'function');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: { '.': { types: string } } };
  assert.match(readFileSync(new URL(`../${pkg.exports['.'].types}`, import.meta.url), 'utf8'), /SwitchyardClient/);
});
