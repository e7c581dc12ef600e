import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeAccumulator } from './infer.js';
import { SchemaCompiler } from './compiler.js';

const compiler = new SchemaCompiler();
const isFormat = (f: string, s: string): boolean => compiler.validator(`format:${f}`, '2020-12', { format: f })(s);

test('infer - an object whose keys keep changing becomes an open map, not a version per key', () => {
  const acc = new ShapeAccumulator(isFormat, { maxEnumValues: 8, minEnumSamples: 20, maxProperties: 10 });
  const seen: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    const v = { id: `e${i}`, counts: { [`key-${i}`]: i } };
    acc.add(v);
    seen.push(v);
  }
  const schema = acc.schema() as { properties: { counts: Record<string, unknown>; id: unknown }; required: string[] };
  assert.deepEqual(schema.properties.counts, { type: 'object' });
  assert.deepEqual(schema.required, ['counts', 'id']);
  const validate = compiler.validator('map', '2020-12', schema as never);
  for (const v of seen) assert.ok(validate(v));
  assert.ok(validate({ id: 'x', counts: { 'never-seen': 1 } }), 'a new key is no new shape');
  assert.equal(validate({ id: 'x', counts: { a: 1 }, extra: true }), false, 'the stable level stays closed');
});

test('infer - formats, enums and required members from observed values', () => {
  const acc = new ShapeAccumulator(isFormat);
  for (let i = 0; i < 25; i++) acc.add({ at: new Date(i * 1000).toISOString(), kind: i % 2 === 0 ? 'a' : 'b', n: i, ...(i % 3 === 0 ? { opt: 1.5 } : {}) });
  assert.deepEqual(acc.schema(), {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { at: { type: 'string', format: 'date-time' }, kind: { type: 'string', enum: ['a', 'b'] }, n: { type: 'integer' }, opt: { type: 'number' } },
    required: ['at', 'kind', 'n'],
    additionalProperties: false,
  });
});
