import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataschema, versionUrn } from './dataschema.js';

test('dataschema - the URN form names a version; the name may contain colons', () => {
  assert.deepEqual(parseDataschema(versionUrn('order.created', 3)), { name: 'order.created', source: undefined, version: 3 });
  assert.deepEqual(parseDataschema('urn:switchyard:schema:a:b:12'), { name: 'a:b', source: undefined, version: 12 });
  assert.equal(parseDataschema('urn:switchyard:schema:a:0'), undefined);
  assert.equal(parseDataschema('urn:switchyard:schema:a'), undefined);
});

test('dataschema - a registry URL names a version and optionally a source scope', () => {
  assert.deepEqual(parseDataschema('https://bus.example/v1/schemas/order.created/versions/2'), { name: 'order.created', source: undefined, version: 2 });
  assert.deepEqual(parseDataschema('http://127.0.0.1:8080/v1/schemas/a%2Fb/versions/1?source=shop'), { name: 'a/b', source: 'shop', version: 1 });
  assert.equal(parseDataschema('https://json-schema.org/draft/2020-12/schema'), undefined);
  assert.equal(parseDataschema('https://x/v1/schemas/a/versions/latest'), undefined);
});
