import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Violation } from '../core/index.js';
import { parseEventJson } from './parse-event-json.js';

const base = { specversion: '1.0', id: 'e1', source: 'https://example.com/s', type: 'com.example.t' };

/** Each row: a change to a valid event, and the violations (path → reason pattern) it must give. */
const invalidCases: Array<[string, Record<string, unknown>, Array<[string, RegExp]>]> = [
  ['missing id', { id: undefined }, [['/id', /required/]]],
  ['null id', { id: null }, [['/id', /required/]]],
  ['empty id', { id: '' }, [['/id', /non-empty/]]],
  ['numeric id', { id: 25 }, [['/id', /must be a string, not a number/]]],
  ['object id', { id: { xyz: 'abc' } }, [['/id', /not an object/]]],
  ['empty type', { type: '' }, [['/type', /non-empty/]]],
  ['empty source', { source: '' }, [['/source', /non-empty/]]],
  ['bad source', { source: 'not a uri' }, [['/source', /URI-reference/]]],
  ['unknown specversion', { specversion: '0.9' }, [['/specversion', /only '1.0'/]]],
  ['empty specversion', { specversion: '' }, [['/specversion', /non-empty/]]],
  ['numeric specversion', { specversion: 1.0 }, [['/specversion', /must be a string/]]],
  ['bad time', { time: 'lunchtime' }, [['/time', /RFC 3339/]]],
  ['relative dataschema', { dataschema: '/schema' }, [['/dataschema', /absolute URI/]]],
  ['empty dataschema', { dataschema: '' }, [['/dataschema', /non-empty/]]],
  ['empty subject', { subject: '' }, [['/subject', /non-empty/]]],
  ['subject with newline', { subject: 'a\nb' }, [['/subject', /control character U\+000A/]]],
  ['lone surrogate in type', { type: 'x\uDEAD' }, [['/type', /lone surrogate/]]],
  ['bad datacontenttype', { datacontenttype: 'xyz' }, [['/datacontenttype', /media type/]]],
  ['empty datacontenttype', { datacontenttype: '' }, [['/datacontenttype', /non-empty/]]],
  ['capitalized extension', { MyExtension: 'bad' }, [['/MyExtension', /lower-case/]]],
  ['punctuated extension', { 'my.extension': 'bad' }, [['/my.extension', /lower-case/]]],
  ['slash in name is pointer-escaped', { 'a/b~': 1 }, [['/a~1b~0', /lower-case/]]],
  ['__proto__ extension', JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>, [['/__proto__', /lower-case/]]],
  ['fractional extension', { ext: 1.5 }, [['/ext', /fraction/]]],
  ['out-of-range extension', { ext: 2 ** 31 }, [['/ext', /32-bit/]]],
  ['object extension', { ext: { a: 1 } }, [['/ext', /string, an integer or a boolean/]]],
  ['array extension', { ext: [1] }, [['/ext', /string, an integer or a boolean/]]],
  ['control char in extension', { ext: '\u0007' }, [['/ext', /control/]]],
  ['too long extension name', { ['x'.repeat(65)]: 1 }, [[`/${'x'.repeat(65)}`, /longer than 64/]]],
  ['data and data_base64', { data: 'text', data_base64: 'eyAieHl6IjogMTIzIH0=' }, [['/data', /mutually exclusive/]]],
  ['data null and data_base64', { data: null, data_base64: 'TWE=' }, [['/data', /mutually exclusive/]]],
  ['bad base64', { data_base64: 'not base64!' }, [['/data_base64', /base64/]]],
  ['numeric data_base64', { data_base64: 5 }, [['/data_base64', /base64 string/]]],
  ['object data for text type', { datacontenttype: 'text/plain', data: { a: 1 } }, [['/data', /must be a string for the non-JSON/]]],
  ['lone surrogate in text data', { datacontenttype: 'text/plain', data: '\uD800' }, [['/data', /lone surrogate/]]],
  [
    'every problem at once',
    { id: '', source: undefined, specversion: '2.0', time: 'x', Bad: 1, data: 1, data_base64: 'TWE=' },
    [['/id', /non-empty/], ['/specversion', /'1.0'/], ['/time', /RFC 3339/], ['/Bad', /lower-case/], ['/source', /required/], ['/data', /exclusive/]],
  ],
];

const sortV = (v: readonly Violation[]): Violation[] => [...v].sort((a, b) => a.path.localeCompare(b.path));

for (const [name, change, expected] of invalidCases) {
  test(`event object - refuses ${name}`, () => {
    const r = parseEventJson({ ...base, ...change });
    assert.ok(!r.ok, 'must be refused');
    const got = sortV(r.violations);
    const want = [...expected].sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(got.map((v) => v.path), want.map(([p]) => p));
    got.forEach((v, i) => assert.match(v.reason, want[i]?.[1] ?? /^$/));
  });
}

test('event object - null optional attributes are unset; extensions keep their JSON types', () => {
  const r = parseEventJson({ ...base, subject: null, time: null, datacontenttype: null, dataschema: null, ext: null, n: -7, b: false, s: '' });
  assert.ok(r.ok);
  assert.equal(r.event.subject, undefined);
  assert.deepEqual(r.event.extensions, { n: -7, b: false, s: '' });
  assert.deepEqual(r.event.data, { kind: 'none' });
});

test('event object - data: JSON when type is absent or JSON, text for other types, bytes from data_base64', () => {
  const cases: Array<[Record<string, unknown>, unknown]> = [
    [{ data: { a: 1 } }, { kind: 'json', value: { a: 1 }, text: '{"a":1}' }],
    [{ data: null }, { kind: 'json', value: null, text: 'null' }],
    [{ data: '{"a":1}', datacontenttype: 'application/json' }, { kind: 'json', value: '{"a":1}', text: '"{\\"a\\":1}"' }],
    [{ data: [1], datacontenttype: 'application/vnd.x+json' }, { kind: 'json', value: [1], text: '[1]' }],
    [{ data: '<much wow="xml"/>', datacontenttype: 'application/xml' }, { kind: 'text', text: '<much wow="xml"/>' }],
    [{ data_base64: 'TWE=' }, { kind: 'binary', bytes: new Uint8Array([0x4d, 0x61]) }],
    [{ data_base64: 'TWE=', data: undefined }, { kind: 'binary', bytes: new Uint8Array([0x4d, 0x61]) }],
    [{ data_base64: null, data: 1 }, { kind: 'json', value: 1, text: '1' }],
  ];
  for (const [change, data] of cases) {
    const r = parseEventJson({ ...base, ...change });
    assert.ok(r.ok, JSON.stringify(change));
    const got = r.event.data.kind === 'binary' ? { kind: 'binary', bytes: new Uint8Array(r.event.data.bytes) } : r.event.data;
    assert.deepEqual(got, data, JSON.stringify(change));
  }
});

test('event object - with the raw text, data keeps its exact text and integers are checked as written', () => {
  const text = '{"specversion":"1.0","id":"e1","source":"/s","type":"t","n":10,"data": {"big": 9007199254740993, "f": 1.50}}';
  const r = parseEventJson(JSON.parse(text), { text });
  assert.ok(r.ok);
  assert.deepEqual(r.event.data, { kind: 'json', value: { big: 9007199254740992, f: 1.5 }, text: '{"big": 9007199254740993, "f": 1.50}' });
  const t2 = '{"specversion":"1.0","id":"e1","source":"/s","type":"t","n":1e1,"m":10.0}';
  const r2 = parseEventJson(JSON.parse(t2), { text: t2, path: '/entries/0' });
  assert.ok(!r2.ok);
  assert.deepEqual(r2.violations.map((v) => v.path), ['/entries/0/n', '/entries/0/m']);
});

test('event object - limits: size, depth and extension count', () => {
  const big = parseEventJson({ ...base, data: 'x'.repeat(100) }, { maxEventBytes: 100 });
  assert.ok(!big.ok);
  assert.equal(big.violations[0]?.code, 'SWY_EVENT_TOO_LARGE');
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  const d = parseEventJson({ ...base, data: deep });
  assert.ok(!d.ok);
  assert.equal(d.violations[0]?.code, 'SWY_EVENT_TOO_DEEP');
  const many: Record<string, unknown> = { ...base };
  for (let i = 0; i < 200; i++) many[`e${i}`] = i;
  const m = parseEventJson(many, { maxExtensions: 100 });
  assert.ok(!m.ok);
  assert.deepEqual(m.violations.map((v) => v.reason), ['more than 100 extension attributes']);
});

test('event object - a non-object is refused as a whole', () => {
  for (const v of [null, [], 'x', 1]) {
    const r = parseEventJson(v, { path: '/3' });
    assert.deepEqual(r, { ok: false, violations: [{ path: '/3', reason: 'an event must be a JSON object' }] });
  }
});
