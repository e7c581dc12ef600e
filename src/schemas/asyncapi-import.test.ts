import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncApiDocument } from './asyncapi.js';
import { asyncApiSchemas } from './asyncapi-import.js';
import type { SchemaVersion } from './types.js';

const version = (name: string, source: string | null, schema: SchemaVersion['schema'], dialect: SchemaVersion['dialect'] = '2020-12'): SchemaVersion => ({ name, source, version: 1, dialect, schema, origin: 'api', createdAt: 0 });

test('asyncapi import - what Switchyard exports for a bus imports back: names, sources, dialects and schemas', () => {
  const versions = [
    version('com.shop.order.created', null, { type: 'object', properties: { id: { type: 'string' } } }),
    version('com.shop.order.created', 'urn:shop:eu', { type: 'object', required: ['eu'], properties: { eu: { type: 'boolean' } } }, 'draft-07'),
  ];
  const doc = asyncApiDocument({ bus: 'orders', description: null, settings: { bus: 'orders', validation: 'off', discovery: false, sampleRate: 1 }, serverVersion: '0', schemas: versions });
  const { schemas, skipped } = asyncApiSchemas(doc);
  assert.deepEqual(skipped, []);
  assert.deepEqual(schemas.map((s) => [s.name, s.source, s.dialect, s.schema]), versions.map((v) => [v.name, v.source, v.dialect, v.schema]));
});

test('asyncapi import - component schema refs are copied into $defs so the registered schema stands alone; each message once', () => {
  const doc = {
    asyncapi: '3.0.0',
    channels: { orders: { messages: { placed: { $ref: '#/components/messages/OrderPlaced' } } } },
    components: {
      messages: { OrderPlaced: { name: 'order.placed', payload: { type: 'object', properties: { line: { $ref: '#/components/schemas/Line' } } } } },
      schemas: { Line: { type: 'object', properties: { sku: { type: 'string' }, next: { $ref: '#/components/schemas/Line' } } } },
    },
  };
  const { schemas, skipped } = asyncApiSchemas(doc);
  assert.deepEqual(skipped, []);
  assert.equal(schemas.length, 1);
  assert.deepEqual(schemas[0]!.schema, {
    type: 'object', properties: { line: { $ref: '#/$defs/Line' } },
    $defs: { Line: { type: 'object', properties: { sku: { type: 'string' }, next: { $ref: '#/$defs/Line' } } } },
  });
});

test('asyncapi import - hostile or unsupported messages are skipped one entry each, the rest imported', () => {
  const doc = {
    asyncapi: '3.0.0',
    components: {
      messages: {
        avro: { payload: { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: { type: 'record' } } },
        none: { name: 'no.payload' },
        loop: { $ref: '#/components/messages/loop' },
        missing: { payload: { $ref: '#/components/schemas/Nope' } },
        external: { payload: { type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } } },
        badPct: { payload: { $ref: '#/components/schemas/%E0%A4%A' } },
        good: { name: 'ok', payload: { schemaFormat: 'application/schema+json;version=draft-07', schema: { type: 'string' } } },
      },
    },
  };
  const { schemas, skipped } = asyncApiSchemas(doc);
  assert.deepEqual(schemas.map((s) => [s.name, s.dialect, s.schema]), [['ok', 'draft-07', { type: 'string' }]]);
  assert.deepEqual(skipped.map((v) => v.path), [
    '/components/messages/loop',
    '/components/messages/avro/payload/schemaFormat',
    '/components/messages/none/payload',
    '/components/messages/missing/payload',
    '/components/messages/external/payload',
    '/components/messages/badPct/payload',
  ]);
  assert.deepEqual(asyncApiSchemas({ asyncapi: '2.6.0' }).skipped, [{ path: '/asyncapi', reason: 'must be an AsyncAPI 3 version (found "2.6.0")' }]);
  assert.deepEqual(asyncApiSchemas('text').skipped, [{ path: '', reason: 'the document must be an object' }]);
});
