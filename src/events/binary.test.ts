import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Violation } from '../core/index.js';
import { decodeBinary, type HeaderMap } from './binary.js';
import { resolveLimits } from './limits.js';

const limits = resolveLimits({ maxEventBytes: 64 * 1024, maxBatchEvents: 100 });
const required = { 'ce-specversion': '1.0', 'ce-id': 'A234-1234-1234', 'ce-source': '/mycontext', 'ce-type': 'com.example.someevent' };
const decode = (ct: string | undefined, headers: HeaderMap, body: string | Buffer = ''): ReturnType<typeof decodeBinary> =>
  decodeBinary(ct, { ...required, ...headers }, Buffer.isBuffer(body) ? body : Buffer.from(body), limits);

test('binary - the spec example: attributes from ce-* headers, extensions as strings', () => {
  const r = decode('application/vnd.apache.thrift.binary', { 'ce-time': '2018-04-05T17:31:00Z', 'ce-comexampleextension1': 'value', 'ce-comexampleothervalue': '5' }, Buffer.from([0, 1, 255]));
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.event, {
    specversion: '1.0',
    id: 'A234-1234-1234',
    source: '/mycontext',
    type: 'com.example.someevent',
    time: '2018-04-05T17:31:00Z',
    datacontenttype: 'application/vnd.apache.thrift.binary',
    extensions: { comexampleextension1: 'value', comexampleothervalue: '5' },
    data: { kind: 'binary', bytes: new Uint8Array([0, 1, 255]) },
  });
});

test('binary - header names are case-insensitive and values percent-decoded', () => {
  const r = decodeBinary(undefined, { 'CE-SpecVersion': '1.0', 'Ce-Id': 'a%20b', 'ce-SOURCE': '/s', 'ce-type': '"quoted type"', 'ce-myext': '%E2%82%AC' }, Buffer.alloc(0), limits);
  assert.deepEqual(r.violations, []);
  assert.equal(r.event?.id, 'a b');
  assert.equal(r.event?.type, 'quoted type');
  assert.deepEqual(r.event?.extensions, { myext: '€' });
});

test('binary - data by Content-Type: JSON parsed (exact text), text kept, everything else bytes', () => {
  const cases: Array<[string | undefined, string | Buffer, unknown]> = [
    ['application/json', '{ "n": 9007199254740993 }', { kind: 'json', value: { n: 9007199254740992 }, text: '{ "n": 9007199254740993 }' }],
    ['application/json; charset=utf-8', '"I\'m just a string"', { kind: 'json', value: "I'm just a string", text: '"I\'m just a string"' }],
    ['application/ld+json', 'null', { kind: 'json', value: null, text: 'null' }],
    ['text/plain', 'héllo', { kind: 'text', text: 'héllo' }],
    ['application/xml', '<much wow="xml"/>', { kind: 'text', text: '<much wow="xml"/>' }],
    ['text/plain', Buffer.from([0xff, 0xfe]), { kind: 'binary', bytes: new Uint8Array([0xff, 0xfe]) }],
    ['text/plain; charset=iso-8859-1', 'abc', { kind: 'binary', bytes: new Uint8Array([97, 98, 99]) }],
    ['application/octet-stream', 'abc', { kind: 'binary', bytes: new Uint8Array([97, 98, 99]) }],
    [undefined, '{"a":1}', { kind: 'binary', bytes: new Uint8Array(Buffer.from('{"a":1}')) }],
    [undefined, '', { kind: 'none' }],
    ['application/json', '', { kind: 'none' }],
  ];
  for (const [ct, body, data] of cases) {
    const r = decode(ct, {}, body);
    assert.deepEqual(r.violations, [], `${ct}`);
    assert.deepEqual(r.event?.data, data, `${ct} ${String(body)}`);
    assert.equal(r.event?.datacontenttype, ct?.trim());
  }
});

test('binary - bytes are copied: reusing the request buffer does not change the event', () => {
  const buf = Buffer.from([1, 2, 3]);
  const r = decode('application/octet-stream', {}, buf);
  buf.fill(0);
  assert.deepEqual(r.event?.data, { kind: 'binary', bytes: new Uint8Array([1, 2, 3]) });
});

const cases: Array<[string, string | undefined, HeaderMap, string | Buffer, Violation[]]> = [
  ['missing required headers', undefined, { 'ce-id': undefined, 'ce-type': undefined }, '', [
    { path: 'ce-id', reason: 'required attribute is missing' },
    { path: 'ce-type', reason: 'required attribute is missing' },
  ]],
  ['CR/LF in a header (response splitting)', undefined, { 'ce-subject': 'a\r\nx-evil: 1' }, '', [{ path: 'ce-subject', reason: 'header value contains CR, LF or NUL', code: 'SWY_EVENT_BAD_HEADER' }]],
  ['non-decodable percent-encoding', undefined, { 'ce-x': '%C0%A0', 'ce-y': '100%' }, '', [
    { path: 'ce-x', reason: 'percent-encoded bytes are not valid UTF-8', code: 'SWY_EVENT_BAD_HEADER' },
    { path: 'ce-y', reason: "broken percent-encoding at index 3 ('%' must be followed by two hex digits)", code: 'SWY_EVENT_BAD_HEADER' },
  ]],
  ['a percent-encoded control character', undefined, { 'ce-x': 'a%0Ab' }, '', [{ path: 'ce-x', reason: 'contains the control character U+000A at index 1' }]],
  ['ce-datacontenttype', 'text/plain', { 'ce-datacontenttype': 'text/plain' }, '', [{ path: 'ce-datacontenttype', reason: 'ce-datacontenttype must not be sent in binary mode; the Content-Type header carries it', code: 'SWY_EVENT_BAD_HEADER' }]],
  ['a repeated header', undefined, { 'ce-x': ['1', '2'] }, '', [{ path: 'ce-x', reason: 'header repeated; a CloudEvents attribute has one value', code: 'SWY_EVENT_BAD_HEADER' }]],
  ['bad names', undefined, { 'ce-': 'x', 'ce-my_ext': 'x', 'ce-data': 'x' }, '', [
    { path: 'ce-', reason: 'attribute name is empty' },
    { path: 'ce-my_ext', reason: 'attribute names may contain only lower-case letters a-z and digits 0-9' },
    { path: 'ce-data', reason: "'data' is reserved and cannot be an attribute name" },
  ]],
  ['bad core values', 'xyz', { 'ce-specversion': '0.3', 'ce-time': 'noon', 'ce-source': 'a b' }, '', [
    { path: 'ce-specversion', reason: "unsupported specversion '0.3' (only '1.0' is accepted)" },
    { path: 'ce-source', reason: 'is not an RFC 3986 URI-reference (illegal character or broken %-escape)' },
    { path: 'ce-time', reason: 'is not an RFC 3339 timestamp (expected e.g. 2018-04-05T17:31:00Z)' },
    { path: 'content-type', reason: 'is not an RFC 2046 media type (expected type/subtype[; param=value])' },
  ]],
  ['malformed JSON body', 'application/json', {}, '{"a":', [{ path: 'body', reason: "Content-Type declares JSON but the body is not valid JSON: Unexpected end of JSON input", code: 'SWY_EVENT_MALFORMED_JSON' }]],
  ['invalid UTF-8 JSON body', 'application/json', {}, Buffer.from([0x22, 0xff, 0x22]), [{ path: 'body', reason: 'JSON data is not valid UTF-8', code: 'SWY_EVENT_INVALID_UTF8' }]],
  ['UTF-16 JSON body', 'application/json; charset=utf-16', {}, '{}', [{ path: 'content-type', reason: 'JSON data must be UTF-8 (RFC 8259)', code: 'SWY_EVENT_BAD_CHARSET' }]],
  ['10,000-deep JSON body', 'application/json', {}, '['.repeat(10_000) + ']'.repeat(10_000), [{ path: 'body', reason: 'JSON data nested deeper than 63 levels', code: 'SWY_EVENT_TOO_DEEP' }]],
];

for (const [name, ct, headers, body, violations] of cases) {
  test(`binary - refuses ${name}, reporting every problem`, () => {
    const r = decode(ct, headers, body);
    assert.equal(r.event, undefined);
    const sort = (v: Violation[]): Violation[] => [...v].sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(sort(r.violations), sort(violations));
  });
}

test('binary - huge header counts: non-ce headers are ignored, extensions are capped', () => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < 50_000; i++) headers[`x-h${i}`] = 'v';
  assert.deepEqual(decode(undefined, headers).violations, []);
  for (let i = 0; i < 500; i++) headers[`ce-e${i}`] = 'v';
  assert.deepEqual(decode(undefined, headers).violations, [{ path: 'ce-*', reason: 'more than 100 extension attributes' }]);
});

test('binary - the size limit counts attributes and body bytes', () => {
  const r = decodeBinary('application/octet-stream', required, Buffer.alloc(1000), resolveLimits({ maxEventBytes: 1000, maxBatchEvents: 1 }));
  assert.equal(r.violations[0]?.code, 'SWY_EVENT_TOO_LARGE');
});
