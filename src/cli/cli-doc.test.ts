import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLIENT_COMMANDS } from './commands.js';

test('cli docs - docs/cli.md has a section for start and every client command', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const headings = [...doc.matchAll(/^## `([a-z-]+)/gm)].map((m) => m[1]);
  for (const name of ['start', ...CLIENT_COMMANDS.map((c) => c.name)]) {
    assert.ok(headings.includes(name), `docs/cli.md lacks a "## \`${name}" section (sections: ${headings.join(', ')})`);
  }
});
