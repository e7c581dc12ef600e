import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JsonObject, JsonValue } from '../core/index.js';
import { testTransform } from './test-transform.js';

// Keeps docs/transformers.md honest: every transformer example followed by "→ output" is run on
// the documented event and must produce exactly that output.
const doc = readFileSync(new URL('../../docs/transformers.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```\n(→ `([^`\n]*)`|→\n```json\n([\s\S]*?)\n```)?/g)];
const event = JSON.parse((blocks.find((b) => (b[1] as string).includes('"specversion"')) as RegExpMatchArray)[1] as string) as JsonObject;
const ctx = { ruleName: 'orders-to-chat', bus: 'shop', ingestionTime: '2024-05-01T10:00:00.125Z' };

const examples = blocks.filter((b) => b[2] !== undefined);

test('docs - transformers.md has the event and an output for every kind of example', () => {
  assert.equal(event.id, 'a1b2');
  assert.ok(examples.length >= 8, `found ${examples.length} examples`);
});

for (const [i, b] of examples.entries()) {
  const spec = JSON.parse(b[1] as string) as JsonValue;
  test(`docs - transformers.md example ${i + 1} (${JSON.stringify(spec).slice(0, 60)}) gives the documented output`, () => {
    const r = testTransform(spec, event, ctx);
    const documented = (b[3] ?? b[4]) as string;
    if (typeof r.output === 'string' && r.contentType.startsWith('text/')) assert.equal(r.output, documented);
    else assert.deepEqual(r.output, JSON.parse(documented));
  });
}
