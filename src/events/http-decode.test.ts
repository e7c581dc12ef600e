import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError, type SwitchyardError } from '../core/index.js';
import { decodeHttpRequest, type HttpRequestInput } from './http-decode.js';
import type { DecodeLimits } from './limits.js';

const limits: DecodeLimits = { maxEventBytes: 64 * 1024, maxBatchEvents: 100 };
const ev = (id = 'e1', extra = ''): string => `{"specversion":"1.0","id":"${id}","source":"/s","type":"t"${extra}}`;
const structured = (body: string | Buffer, ct = 'application/cloudevents+json'): HttpRequestInput => ({ contentType: ct, headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body) });
const batch = (body: string | Buffer): HttpRequestInput => structured(body, 'application/cloudevents-batch+json; charset=utf-8');

function rejects(input: HttpRequestInput, code: string, l: DecodeLimits = limits): SwitchyardError {
  try {
    decodeHttpRequest(input, l);
  } catch (e) {
    assert.ok(isSwitchyardError(e), String(e));
    assert.equal(e.code, code, `${e.code}: ${e.message} ${JSON.stringify(e.violations)}`);
    return e;
  }
  assert.fail(`expected ${code}`);
}

test('http decode - mode is chosen by Content-Type', () => {
  assert.equal(decodeHttpRequest(structured(ev()), limits).mode, 'structured');
  assert.equal(decodeHttpRequest(structured(ev(), 'Application/CloudEvents+JSON; charset=UTF-8'), limits).mode, 'structured');
  assert.equal(decodeHttpRequest(batch(`[${ev()}]`), limits).mode, 'batch');
  const bin = { contentType: 'application/json', headers: { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' }, body: Buffer.from('{}') };
  assert.equal(decodeHttpRequest(bin, limits).mode, 'binary');
  assert.equal(decodeHttpRequest({ ...bin, contentType: undefined, body: Buffer.alloc(0) }, limits).mode, 'binary');
});

test('http decode - other CloudEvents formats are 415, non-UTF-8 charsets are 415', () => {
  for (const ct of ['application/cloudevents+avro', 'application/cloudevents', 'application/cloudevents-batch+xml', 'application/cloudevents+json; charset']) {
    assert.equal(rejects(structured(ev(), ct), 'SWY_EVENT_UNSUPPORTED_MEDIA_TYPE').status, 415, ct);
  }
  for (const ct of ['application/cloudevents+json; charset=iso-8859-1', 'application/cloudevents-batch+json; charset="utf-16"']) {
    assert.equal(rejects(structured(ev(), ct), 'SWY_EVENT_BAD_CHARSET').status, 415, ct);
  }
});

test('http decode - structured: hostile bodies get precise codes', () => {
  rejects(structured(''), 'SWY_EVENT_MALFORMED_JSON');
  rejects(structured('{"id": '), 'SWY_EVENT_MALFORMED_JSON');
  rejects(structured(`${ev()} trailing`), 'SWY_EVENT_MALFORMED_JSON');
  rejects(structured(Buffer.from([0x7b, 0x22, 0xc0, 0xa0, 0x22, 0x7d])), 'SWY_EVENT_INVALID_UTF8');
  rejects(structured(Buffer.from('{"id":"\xed\xa0\x80"}', 'latin1')), 'SWY_EVENT_INVALID_UTF8');
  const notObject = rejects(structured('[1]'), 'SWY_EVENT_INVALID');
  assert.deepEqual(notObject.violations, [{ path: '', reason: 'a structured-mode body must be a JSON object (the event)' }]);
  rejects(structured(ev('1', `,"data":${'['.repeat(10_000)}${']'.repeat(10_000)}`)), 'SWY_EVENT_TOO_DEEP');
  rejects(structured('{"a":'.repeat(100_000)), 'SWY_EVENT_TOO_DEEP');
});

test('http decode - structured: depth limit counts the event as level 1', () => {
  const nested = (levels: number): string => ev('1', `,"data":${'['.repeat(levels)}${']'.repeat(levels)}`);
  assert.ok(decodeHttpRequest(structured(nested(63)), limits));
  rejects(structured(nested(64)), 'SWY_EVENT_TOO_DEEP');
  assert.ok(decodeHttpRequest(structured(nested(9)), { ...limits, maxDepth: 10 }));
  assert.ok(decodeHttpRequest(batch(`[${nested(9)}]`), { ...limits, maxDepth: 10 }));
  rejects(batch(`[${nested(10)}]`), 'SWY_EVENT_TOO_DEEP', { ...limits, maxDepth: 10 });
});

test('http decode - structured: duplicate members and __proto__ keys are refused, nothing is polluted', () => {
  const dup = rejects(structured('{"specversion":"1.0","id":"a","id":"b","source":"/s","type":"t"}'), 'SWY_EVENT_INVALID');
  assert.deepEqual(dup.violations, [{ path: '/id', reason: 'member appears more than once' }]);
  const proto = rejects(structured(ev('1', ',"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}')), 'SWY_EVENT_INVALID');
  assert.deepEqual(proto.violations.map((v) => v.path), ['/__proto__', '/constructor']);
  const ok = decodeHttpRequest(structured(ev('1', ',"data":{"__proto__":{"polluted":1}}')), limits).events[0];
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(ok?.data.kind === 'json' && ok.data.text, '{"__proto__":{"polluted":1}}');
});

test('http decode - "constructor" is refused as an attribute name in structured, batch and binary mode', () => {
  const one = rejects(structured(ev('1', ',"constructor":"x"')), 'SWY_EVENT_INVALID');
  assert.deepEqual(one.violations.map((v) => v.path), ['/constructor']);
  const many = rejects(batch(`[${ev('a')},${ev('b', ',"constructor":"x"')}]`), 'SWY_EVENT_INVALID');
  assert.deepEqual(many.violations.map((v) => v.path), ['/1/constructor']);
  const bin = rejects({ contentType: 'application/json', headers: { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'ce-constructor': 'x' }, body: Buffer.from('{}') }, 'SWY_EVENT_INVALID');
  assert.deepEqual(bin.violations.map((v) => v.path), ['ce-constructor']);
});

test('http decode - structured: data text is kept exactly, with its whitespace and number literals', () => {
  const data = '{ "n" : 9007199254740993, "f": 1.50e+3, "s": "\\u00e9" }';
  const [e] = decodeHttpRequest(structured(ev('1', `, "data" : ${data} `)), limits).events;
  assert.deepEqual(e?.data, { kind: 'json', value: { n: 9007199254740992, f: 1500, s: 'é' }, text: data });
});

test('http decode - structured: the size limit gives 413 with the event path', () => {
  const e = rejects(structured(ev('1', `,"data":"${'x'.repeat(2000)}"`)), 'SWY_EVENT_TOO_LARGE', { ...limits, maxEventBytes: 1000 });
  assert.equal(e.status, 413);
  assert.equal(e.violations[0]?.path, '');
});

// A decoder that backtracked or rescanned would not finish on these inputs; the per-test timeout
// turns such a regression into a failure instead of a hang. Speed itself is bench:ingest's.
test('http decode - a 10 MB body decodes, and is refused over the size limit or malformed', { timeout: 120_000 }, () => {
  const body = ev('1', `,"data":[${'{"k":"vvvvvvvvvvvvvvvvvvvv","n":12345},'.repeat(280_000)}0]`);
  assert.ok(body.length > 10e6);
  const r = decodeHttpRequest(structured(body), { ...limits, maxEventBytes: 20e6 });
  assert.equal(r.events.length, 1);
  rejects(structured(body), 'SWY_EVENT_TOO_LARGE');
  const garbage = '{"a":"' + 'x\\"'.repeat(3_000_000) + '"';
  rejects(structured(garbage), 'SWY_EVENT_MALFORMED_JSON');
});

test('http decode - batch: events in order; empty batch allowed unless refused; limits', () => {
  const r = decodeHttpRequest(batch(`[${ev('a')}, ${ev('b')}]`), limits);
  assert.deepEqual(r.events.map((e) => e.id), ['a', 'b']);
  assert.deepEqual(decodeHttpRequest(batch('[]'), limits).events, []);
  rejects(batch('[]'), 'SWY_EVENT_BATCH_EMPTY', { ...limits, allowEmptyBatch: false });
  rejects(batch(ev()), 'SWY_EVENT_BATCH_NOT_ARRAY');
  rejects(batch('"x"'), 'SWY_EVENT_BATCH_NOT_ARRAY');
  const many = rejects(batch(`[${Array.from({ length: 101 }, () => ev()).join(',')}]`), 'SWY_EVENT_BATCH_TOO_MANY');
  assert.equal(many.status, 413);
});

test('http decode - batch: every violation of every event, prefixed by index', () => {
  const body = `[${ev('ok')}, "not an object", {"specversion":"1.0","id":"x","source":"/s","type":"t","time":"noon"}, {"specversion":"0.9","type":"t","source":"/s","id":"y"}]`;
  const e = rejects(batch(body), 'SWY_EVENT_INVALID');
  assert.deepEqual(e.violations.map((v) => v.path), ['/1', '/2/time', '/3/specversion']);
});

test('http decode - batch: data text of each element is exact', () => {
  const r = decodeHttpRequest(batch(`[${ev('a', ',"data":1.0')},${ev('b', ',"data":[ 2 ]')}]`), limits);
  assert.deepEqual(r.events.map((e) => e.data.kind === 'json' && e.data.text), ['1.0', '[ 2 ]']);
});

test('http decode - batch: values repeated across events are each still checked (the last accepted value is remembered, no other)', () => {
  const body = (time: string, ct: string): string => `[${ev('a', ',"time":"2024-05-01T10:00:00Z","datacontenttype":"application/json","data":{}')},`
    + `${ev('b', `,"time":"${time}","datacontenttype":"${ct}","data":{}`)}]`;
  assert.equal(decodeHttpRequest(batch(body('2024-05-01T10:00:00Z', 'application/json')), limits).events.length, 2);
  const bad = rejects(batch(body('2024-05-01T10:00:00', 'application/json; x')), 'SWY_EVENT_INVALID');
  assert.deepEqual(bad.violations.map((v) => v.path), ['/1/time', '/1/datacontenttype']);
  // Accepted before, refused now for another reason: the second event repeats a member.
  const dup = rejects(batch(`[${ev('a')},${ev('b', ',"type":"t2"')}]`), 'SWY_EVENT_INVALID');
  assert.deepEqual(dup.violations, [{ path: '/1/type', reason: 'member appears more than once' }]);
  // A valid text after an invalid one, and the invalid one again.
  rejects(structured(ev('c', ',"time":"never"')), 'SWY_EVENT_INVALID');
  assert.ok(decodeHttpRequest(structured(ev('d', ',"time":"2024-05-01T10:00:00Z"')), limits));
  rejects(structured(ev('e', ',"time":"never"')), 'SWY_EVENT_INVALID');
});
