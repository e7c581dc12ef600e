// packages/client/src/openapi.ts is generated from the server's OpenAPI document: a route change
// without `npm run client:types` fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLIENT_TYPES_FILE, generateClientTypes } from '../../../scripts/gen-client-types.js';

test('client types - the committed openapi.ts is what npm run client:types generates now', { timeout: 60_000 }, async () => {
  const fresh = await generateClientTypes();
  assert.ok(fresh.includes('"/v1/buses/{bus}/events"'), 'the generated types name the routes');
  assert.ok(readFileSync(CLIENT_TYPES_FILE, 'utf8') === fresh, 'packages/client/src/openapi.ts is stale: run `npm run client:types` and commit it');
});
