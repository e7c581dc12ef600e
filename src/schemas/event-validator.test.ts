import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent } from '../events/index.js';
import { SchemaRegistry } from './registry.js';
import { SchemaValidator } from './event-validator.js';
import type { SchemaInfo, SchemaStorage, SchemaVersion } from './types.js';

/** Storage holding one version as stored before patterns had to run on RE2: never compiled. */
function legacyStorage(version: SchemaVersion): SchemaStorage {
  const info: SchemaInfo = { name: version.name, source: null, description: null, compatibility: 'NONE', latestVersion: 1, createdAt: 0, updatedAt: 0 };
  const refuse = async (): Promise<never> => {
    throw new Error('read-only');
  };
  return {
    upsert: refuse, delete: refuse, addVersion: refuse, setSettings: refuse,
    get: async (name, source) => (name === info.name && source === null ? info : undefined),
    list: async () => [info],
    version: async (name, source, n) => (name === info.name && source === null && n === 1 ? version : undefined),
    versions: async (name, source) => (name === info.name && source === null ? [version] : []),
    settings: async (bus) => ({ bus, validation: 'enforce', discovery: false, sampleRate: 1 }),
    listSettings: async () => [{ bus: 'default', validation: 'enforce', discovery: false, sampleRate: 1 }],
  };
}

test('event validator - a stored version whose pattern cannot run in linear time fails closed with the reason, it does not throw', async () => {
  const v: SchemaVersion = { name: 't.legacy', source: null, version: 1, dialect: '2020-12', schema: { properties: { a: { type: 'string', pattern: '^(x)\\1$' } } }, origin: 'api', createdAt: 0 };
  const registry = new SchemaRegistry(legacyStorage(v));
  await registry.load();
  const validator = new SchemaValidator(registry);
  const check = validator.check('default', createEvent({ id: '1', source: '/s', type: 't.legacy', data: { kind: 'json', value: { a: 'xx' } } }));
  assert.equal(check?.mode, 'enforce');
  assert.deepEqual(check?.violations.map((x) => x.path), ['/data']);
  assert.match(check?.violations[0]?.reason ?? '', /cannot be applied: pattern "\^\(x\)\\\\1\$" cannot run on the linear-time engine/);
});
