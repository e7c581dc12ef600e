import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, test } from 'node:test';
import { UsageError } from './errors.js';
import { DocumentReader, eventPatternFlag, inlineDocument } from './input.js';
import type { CliIo } from './io.js';

const dir = mkdtempSync(path.join(tmpdir(), 'swy-cli-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const io = (stdin: string, tty = false): CliIo => {
  const s = Readable.from([Buffer.from(stdin)]);
  if (tty) Object.assign(s, { isTTY: true });
  return { stdin: s, stdout: new PassThrough(), stderr: new PassThrough() };
};
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const usage = (re: RegExp) => (e: unknown): boolean => e instanceof UsageError && re.test(e.message);

test('cli input - JSON is kept as written (trimmed), so number literals survive', async () => {
  const doc = await new DocumentReader(io('')).file('--event', file('e.json', '  {"n": 9007199254740993}\n'));
  assert.equal(doc.text, '{"n": 9007199254740993}');
  assert.equal(doc.format, 'json');
});

test('cli input - YAML files, and inputs not starting with { [ or ", are converted to JSON', async () => {
  const r = new DocumentReader(io('type: [a]\n'));
  assert.deepEqual(await r.file('--pattern', file('p.yaml', 'data:\n  total: [{numeric: [">", 1]}]\n')), {
    origin: `--pattern ${path.join(dir, 'p.yaml')}`, text: '{"data":{"total":[{"numeric":[">",1]}]}}', value: { data: { total: [{ numeric: ['>', 1] }] } }, format: 'yaml',
  });
  assert.equal((await r.stdin('stdin')).text, '{"type":["a"]}');
  assert.equal((await inlineDocument('--transform-text', 'type: complete')).text, '{"type":"complete"}');
  // A .yml file holding JSON is still fine: JSON is YAML.
  assert.deepEqual((await r.file('--x', file('j.yml', '{"a": 1}'))).value, { a: 1 });
});

test('cli input - broken input is a usage error naming the flag and file', async () => {
  const r = new DocumentReader(io(''));
  await assert.rejects(r.file('--pattern', file('b.json', 'type: [a]')), usage(/^--pattern .*b\.json is not valid JSON/));
  await assert.rejects(r.file('--pattern', file('b.txt', '{"a":')), usage(/^--pattern .*b\.txt is not valid JSON/));
  await assert.rejects(r.file('--pattern', file('b.yaml', 'a: [1')), usage(/^--pattern .*b\.yaml is not valid YAML/));
  await assert.rejects(r.file('--pattern', path.join(dir, 'nope.json')), usage(/nope\.json: no such file$/));
  await assert.rejects(r.file('--pattern', dir), usage(/is a directory$/));
  await assert.rejects(r.file('--pattern', file('empty.json', ' \n')), usage(/is empty$/));
});

test('cli input - stdin is read at most once, and never implicitly from a terminal', async () => {
  const r = new DocumentReader(io('{}'));
  await r.file('--pattern', '-');
  await assert.rejects(r.file('--event', '-'), usage(/^--event - and --pattern - cannot both read stdin$/));
  await assert.rejects(new DocumentReader(io('{}', true)).stdin('stdin', { missing: 'give the event' }), usage(/^give the event$/));
  assert.equal((await new DocumentReader(io('{}', true)).stdin('--event -')).text, '{}');
});

test('cli input - an event pattern flag is JSON text; anything else is a usage error naming the flag', () => {
  assert.deepEqual(eventPatternFlag('--pattern', '{"type":["order.created"]}'), { type: ['order.created'] });
  assert.throws(() => eventPatternFlag('--pattern', '{type: order}'), usage(/^--pattern must be an event pattern in JSON, e\.g\. /));
  assert.throws(() => eventPatternFlag('--pattern', ''), usage(/^--pattern must be/));
});
