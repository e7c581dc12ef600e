// The generic mapping and the presets: attributes from paths, constants and templates; the raw
// body as data byte-exact; required attributes; bounded outputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../core/index.js';
import { serializeEvent } from '../../events/index.js';
import { checkMapping, rawData } from './mapping.js';

const ctx = { name: 'src', bus: 'b', defaultType: 'switchyard.webhook.received', now: Date.UTC(2026, 0, 1) };

function compile(spec: unknown): ReturnType<typeof checkMapping> & { ok: true } {
  const r = checkMapping(spec);
  assert.ok(r.ok, JSON.stringify(r));
  return r as ReturnType<typeof checkMapping> & { ok: true };
}

test('mapping - without one: a random id, the default type and source, the body byte-exact', () => {
  const m = compile(undefined).mapping;
  const body = Buffer.from('{"a": 1.0}');
  const e = m.apply({ doc: { headers: {}, body: null }, body, contentType: 'application/json' }, ctx);
  assert.match(e.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual([e.type, e.source, e.datacontenttype], ['switchyard.webhook.received', '/sources/src', 'application/json']);
  assert.ok(serializeEvent(e).includes('"data":{"a": 1.0}'));
  assert.equal(m.readsBody, false);
});

test('mapping - raw data: JSON as its text, UTF-8 text as text, anything else as bytes, an empty body as none', () => {
  assert.equal(rawData(Buffer.from('[1]'), 'application/vnd.x+json', undefined).data.kind, 'json');
  assert.equal(rawData(Buffer.from('not json'), 'application/json', undefined).data.kind, 'binary');
  assert.deepEqual(rawData(Buffer.from('a=1'), 'application/x-www-form-urlencoded', undefined).data, { kind: 'text', text: 'a=1' });
  assert.equal(rawData(Buffer.from([0xe9]), 'text/plain', undefined).data.kind, 'binary');
  assert.deepEqual(rawData(Buffer.from('x'), undefined, undefined), { data: { kind: 'binary', bytes: Buffer.from('x') }, contentType: 'application/octet-stream' });
  assert.deepEqual(rawData(Buffer.alloc(0), 'application/json', undefined), { data: { kind: 'none' }, contentType: undefined });
});

test('mapping - the github preset, with a field given beside it winning', () => {
  const m = compile({ preset: 'github', subject: { value: 'fixed' } }).mapping;
  const doc: JsonObject = { headers: { 'x-github-event': 'issues', 'x-github-delivery': 'd1' }, body: { action: 'opened', repository: { html_url: 'https://github.com/o/r', full_name: 'o/r' } } };
  const e = m.apply({ doc, body: Buffer.from('{}'), contentType: 'application/json' }, ctx);
  assert.deepEqual([e.id, e.type, e.source, e.subject], ['d1', 'com.github.issues.opened', 'https://github.com/o/r', 'fixed']);
  assert.equal(m.readsBody, true);
});

test('mapping - an id the mapping names but the message lacks fails, naming it; an optional one is left out', () => {
  const m = compile({ id: '$.headers.x-id', subject: '$.body.missing' }).mapping;
  assert.throws(() => m.apply({ doc: { headers: {}, body: {} }, body: Buffer.alloc(0), contentType: undefined }, ctx), (e: { code?: string; violations?: { path: string }[] }) =>
    e.code === 'SWY_SOURCE_MAPPING_FAILED' && e.violations?.[0]?.path === '/mapping/id');
  const e = m.apply({ doc: { headers: { 'x-id': 'i' }, body: {} }, body: Buffer.alloc(0), contentType: undefined }, ctx);
  assert.deepEqual([e.id, e.subject], ['i', undefined]);
});

test('mapping - a template output is bounded by the cap', () => {
  const r = checkMapping({ type: { template: '${b}${b}${b}${b}', variables: { b: '$.body' } } }, '/mapping', 100);
  assert.ok(r.ok);
  assert.throws(() => r.mapping.apply({ doc: { body: 'x'.repeat(40) }, body: Buffer.alloc(0), contentType: undefined }, ctx), (e: { code?: string }) => e.code === 'SWY_TRANSFORM_OUTPUT_TOO_LARGE');
});
