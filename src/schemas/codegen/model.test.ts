import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../../core/index.js';
import { buildModel } from './model.js';

test('codegen model - a definition that refers to itself is declared once and referenced', () => {
  const m = buildModel('tree', { $ref: '#/$defs/node', $defs: { node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/node' } } } } } });
  assert.deepEqual(m.decls.map((d) => d.name), ['TreeNode']);
  assert.deepEqual(m.root, { t: 'ref', name: 'TreeNode' });
  assert.deepEqual(m.decls[0]!.fields[0]!.type, { t: 'array', items: { t: 'ref', name: 'TreeNode' }, itemsNullable: false });
});

test('codegen model - a cycle through non-object definitions ends in `any`, not a loop', () => {
  const m = buildModel('loop', { $ref: '#/$defs/a', $defs: { a: { type: 'array', items: { $ref: '#/$defs/b' } }, b: { type: 'array', items: { $ref: '#/$defs/a' } } } });
  assert.deepEqual(m.root, { t: 'array', items: { t: 'array', items: { t: 'any' }, itemsNullable: true }, itemsNullable: false });
});

test('codegen model - allOf of objects merges properties and required; "X or null" unions are nullable X', () => {
  const m = buildModel('m', { allOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { anyOf: [{ type: 'integer' }, { type: 'null' }] } } }] });
  assert.deepEqual(m.decls[0]!.fields.map((f) => [f.json, f.type.t, f.required, f.nullable]), [['a', 'string', true, false], ['b', 'integer', false, true]]);
});

test('codegen model - unions of several types, mixed enums and unknown keywords become `any`', () => {
  const any = (s: JsonValue): string => buildModel('x', { type: 'object', properties: { p: s } }).decls[0]!.fields[0]!.type.t;
  assert.equal(any({ anyOf: [{ type: 'string' }, { type: 'integer' }] }), 'any');
  assert.equal(any({ enum: ['a', 1] }), 'any');
  assert.equal(any({ type: ['string', 'integer'] }), 'any');
  assert.equal(any({ not: { type: 'string' } }), 'any');
  assert.equal(any({ enum: [1, 2] }), 'integer');
  assert.equal(any({ const: 'k' }), 'enum');
});

test('codegen model - nested objects get distinct names even when two properties PascalCase alike', () => {
  const m = buildModel('o', { type: 'object', properties: { 'a-b': { type: 'object', properties: { x: { type: 'string' } } }, a_b: { type: 'object', properties: { y: { type: 'string' } } } } });
  assert.deepEqual(m.decls.map((d) => d.name), ['O', 'OAB', 'OAB2']);
});

test('codegen model - a schema nested to the registry limit converts without overflowing the stack', () => {
  let s: JsonValue = { type: 'string' };
  for (let i = 0; i < 60; i++) s = { type: 'object', properties: { n: s } };
  const m = buildModel('deep', s);
  assert.equal(m.decls.length, 60);
});
