import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scanJson, valueDepth, type JsonNode } from './json-scan.js';

const slice = (text: string, n: JsonNode): string => text.slice(n.start, n.end);

test('json scan - records the exact text of each top-level member, escapes and all', () => {
  const text = ' { "a\\"b" : [1, {"x":"}"}] , "data":  9007199254740993 , "\\u0069d":"q\\\\" , "e":{}} ';
  const r = scanJson(text, { maxDepth: 64, recordDepth: 2 });
  assert.ok(r.ok && r.root?.kind === 'object');
  const m = r.root.members ?? [];
  assert.deepEqual(m.map((x) => x.key), ['a"b', 'data', 'id', 'e']);
  assert.deepEqual(m.map((x) => slice(text, x.value)), ['[1, {"x":"}"}]', '9007199254740993', '"q\\\\"', '{}']);
  assert.deepEqual(m.map((x) => x.value.kind), ['array', 'number', 'string', 'object']);
  assert.equal(slice(text, r.root), text.trim());
});

test('json scan - batch elements and their members at recordDepth 3', () => {
  const text = '[{"id":"1","data":1.0},"x",{"data":[[]]}]';
  const r = scanJson(text, { maxDepth: 64, recordDepth: 3 });
  assert.ok(r.ok);
  const els = r.root?.elements ?? [];
  assert.deepEqual(els.map((e) => slice(text, e)), ['{"id":"1","data":1.0}', '"x"', '{"data":[[]]}']);
  assert.deepEqual(els[0]?.members?.map((m) => [m.key, slice(text, m.value)]), [['id', '"1"'], ['data', '1.0']]);
  assert.equal(els[2]?.members?.[0]?.value.members, undefined, 'level 3 containers record no children');
});

test('json scan - depth is counted without recursion: 10,000-deep input stops at the limit, fast', () => {
  for (const open of ['[', '{"a":']) {
    const text = open.repeat(10_000) + '1' + (open === '[' ? ']' : '}').repeat(10_000);
    const t0 = process.hrtime.bigint();
    const r = scanJson(text, { maxDepth: 64, recordDepth: 2 });
    assert.ok(Number(process.hrtime.bigint() - t0) < 50e6, 'linear scan, well under 50 ms');
    assert.deepEqual(r, { ok: false, reason: 'too-deep', offset: open.length * 64 });
    assert.ok(scanJson(text, { maxDepth: 10_000, recordDepth: 2 }).ok);
  }
});

test('json scan - terminates on malformed input without throwing', () => {
  for (const text of ['', '"', '"\\', '{"a', '}}}]]', '{"a":tru', '[,,,:', 'x'.repeat(1000), '{"a" "b"}', '\\"']) {
    assert.ok(scanJson(text, { maxDepth: 64, recordDepth: 3 }).ok, text);
  }
});

test('json scan - for any JSON, each recorded member slice parses to the member value', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (obj, pretty) => {
      const text = JSON.stringify(obj, null, pretty ? 2 : undefined);
      const r = scanJson(text, { maxDepth: 1000, recordDepth: 2 });
      assert.ok(r.ok);
      const members = r.root?.members ?? [];
      assert.deepEqual(members.map((m) => m.key), Object.keys(obj));
      const parsed = JSON.parse(text) as Record<string, unknown>;
      for (const m of members) assert.deepEqual(JSON.parse(slice(text, m.value)), parsed[m.key]);
    }),
  );
});

test('json scan - valueDepth counts levels iteratively and stops early', () => {
  assert.equal(valueDepth(1, 64), 0);
  assert.equal(valueDepth({ a: [1, { b: {} }] }, 64), 4);
  let deep: unknown = 0;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(valueDepth(deep, 64), 65);
});

test('json scan - the depth-only scan (recordDepth 0) agrees with the recording scan on any text', () => {
  const texts = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', 'a', '1', ' ') }),
  );
  fc.assert(
    fc.property(texts, fc.integer({ min: 1, max: 6 }), (text, maxDepth) => {
      const quick = scanJson(text, { maxDepth, recordDepth: 0 });
      const full = scanJson(text, { maxDepth, recordDepth: 1 });
      assert.equal(quick.ok, full.ok);
      if (!quick.ok && !full.ok) assert.equal(quick.offset, full.offset);
      if (quick.ok) assert.equal(quick.root, undefined);
    }),
  );
});
