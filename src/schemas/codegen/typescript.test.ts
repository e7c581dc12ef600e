import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import type { JsonValue } from '../../core/index.js';
import { generateTypeScript } from './typescript.js';
import { typeName } from './names.js';
import { sampleValue } from '../sample.js';
import { SchemaCompiler } from '../compiler.js';
import type { SchemaVersion } from '../types.js';

const order: JsonValue = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['id', 'amount', 'status', 'lines'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Order id */ tricky' },
    amount: { type: 'number', minimum: 1 },
    status: { enum: ['new', 'paid'] },
    'created-at': { type: 'string', format: 'date-time' },
    lines: { type: 'array', items: { $ref: '#/$defs/line' }, minItems: 1 },
    note: { type: ['string', 'null'] },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
  },
  $defs: { line: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer' } } } },
};
const version = (schema: JsonValue): SchemaVersion => ({ name: 'com.shop.order.created', source: null, version: 2, dialect: '2020-12', schema, origin: 'api', createdAt: 0 });

/** Type-checks `files` with the compiler API (strict, no emit); returns the diagnostics as text. */
function typecheck(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-codegen-'));
  const names = Object.entries(files).map(([n, text]) => {
    writeFileSync(path.join(dir, n), text);
    return path.join(dir, n);
  });
  const program = ts.createProgram(names, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, types: [] });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('codegen - typeName makes a PascalCase identifier', () => {
  assert.equal(typeName('com.shop.order.created'), 'ComShopOrderCreated');
  assert.equal(typeName('1-thing'), 'T1Thing');
});

test('codegen - the generated TypeScript compiles with tsc and types a valid value', () => {
  const code = generateTypeScript(version(order));
  const use = `import { isComShopOrderCreated, type ComShopOrderCreated } from './order.js';
const ok: ComShopOrderCreated = { id: 'o1', amount: 3, status: 'paid', lines: [{ sku: 'a', qty: 1 }], note: null, tags: { a: 'b' } };
const v: unknown = ok;
if (isComShopOrderCreated(v)) { const s: 'new' | 'paid' = v.status; void s; }
// @ts-expect-error status is an enum
const bad: ComShopOrderCreated = { id: 'o1', amount: 3, status: 'lost', lines: [] };
void bad;
`;
  assert.deepEqual(typecheck({ 'order.ts': code, 'use.ts': use }), []);
});

test('codegen - the type guard agrees with ajv on valid and invalid values', async () => {
  const code = generateTypeScript(version(order));
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as { isComShopOrderCreated: (v: unknown) => boolean };
  const ajv = new SchemaCompiler().validator('order', '2020-12', order);
  const sample = sampleValue(order);
  const cases: unknown[] = [
    sample,
    { id: 'o', amount: 2, status: 'new', lines: [{ sku: 'x' }] },
    { id: 'o', amount: 2, status: 'gone', lines: [{ sku: 'x' }] },
    { id: 'o', amount: 0, status: 'new', lines: [{ sku: 'x' }] },
    { id: 'o', amount: 2, status: 'new', lines: [] },
    { id: 'o', amount: 2, status: 'new', lines: [{ qty: 1 }] },
    { id: 'o', amount: 2, status: 'new', lines: [{ sku: 'x' }], extra: 1 },
    { amount: 2, status: 'new', lines: [{ sku: 'x' }] },
    'not an object',
  ];
  for (const c of cases) assert.equal(mod.isComShopOrderCreated(c), ajv(c), JSON.stringify(c));
  assert.equal(ajv(sample), true, 'the sample is valid');
});

test('codegen - a schema without a type still yields a compiling module', () => {
  assert.deepEqual(typecheck({ 'any.ts': generateTypeScript(version(true)) }), []);
  assert.deepEqual(typecheck({ 'obj.ts': generateTypeScript(version({ type: 'object' })) }), []);
});

test('codegen - definitions whose names collide in PascalCase get distinct types', () => {
  const schema: JsonValue = {
    type: 'object', properties: { a: { $ref: '#/$defs/a-b' }, b: { $ref: '#/$defs/a_b' }, c: { $ref: '#/definitions/a-b' } },
    $defs: { 'a-b': { type: 'string' }, a_b: { type: 'integer' } }, definitions: { 'a-b': { type: 'boolean' } },
  };
  const code = generateTypeScript(version(schema));
  const use = `import type { ComShopOrderCreated } from './m.js';
const ok: ComShopOrderCreated = { a: 's', b: 1, c: true };
// @ts-expect-error b is the integer definition
const bad: ComShopOrderCreated = { b: 's' };
void ok; void bad;
`;
  assert.deepEqual(typecheck({ 'm.ts': code, 'use.ts': use }), []);
});

test('codegen - a source holding a line separator cannot end the header comment', () => {
  const code = generateTypeScript({ ...version({ type: 'object' }), source: 'x\u2028export const injected = 1;' });
  assert.equal(code.split(/\r\n|[\n\r\u2028\u2029]/)[0], '// Generated by Switchyard from schema "com.shop.order.created" version 2 (source "x\\u2028export const injected = 1;"). Do not edit.');
  assert.doesNotMatch(code, /\u2028/);
  assert.deepEqual(typecheck({ 's.ts': code }), []);
});
