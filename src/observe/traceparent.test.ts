import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { eventTraceparent, formatTraceparent, isSampled, parseTraceparent } from './traceparent.js';
import { DeliveryTelemetry } from './delivery-telemetry.js';
import { observers } from './observers.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('traceparent - a valid W3C value parses and formats back', () => {
  const p = parseTraceparent(TP);
  assert.deepEqual(p, { version: '00', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: '01' });
  assert.equal(formatTraceparent(p!), TP);
});

test('traceparent - invalid values are ignored (W3C: restart the trace)', () => {
  for (const bad of [
    '', 'garbage', TP.toUpperCase(), TP.replace('-01', '-1'),
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero parent id
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // version ff
    `${TP}-extra`, // version 00 has exactly four fields
    42, undefined, 'x'.repeat(600),
  ]) assert.equal(parseTraceparent(bad), undefined, String(bad));
  // A later version may carry more fields; the four known ones are kept.
  assert.equal(parseTraceparent(`01-${TP.slice(3)}-more`)?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
});

test('traceparent - the parser agrees with the W3C grammar as a regular expression, on valid, mutated and random values', () => {
  const grammar = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
  const reference = (value: string): object | undefined => {
    if (value.length > 512) return undefined;
    // HTTP optional whitespace (SP, HTAB) around a header value is not part of it; nothing else is trimmed.
    const m = grammar.exec(value.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (m === null) return undefined;
    const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
    if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId) || (version === '00' && rest !== undefined)) return undefined;
    return { version, traceId, parentId, flags };
  };
  const hex = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789abcdefA-'), minLength: n, maxLength: n });
  const shaped = fc.tuple(hex(2), hex(32), hex(16), hex(2), fc.option(fc.string({ unit: fc.constantFrom('-', 'x', '\n', '\u2028', ' ') }), { nil: undefined }), fc.constantFrom('', ' ', '\t', ' \u2028', '\u00a0'))
    .map(([v, t, p, f, rest, pad]) => `${pad}${v}-${t}-${p}-${f}${rest ?? ''}${pad}`);
  const mutated = fc.tuple(fc.nat(60), fc.constantFrom('-', 'g', 'F', '0', '\n', '')).map(([at, c]) => `${TP.slice(0, at)}${c}${TP.slice(at + 1)}`);
  fc.assert(fc.property(fc.oneof(shaped, mutated, fc.string()), (value) => {
    assert.deepEqual(parseTraceparent(value), reference(value), JSON.stringify(value));
  }), { numRuns: 5000 });
});

test('traceparent - the request header wins over the event extension; the extension is read from the JSON text', () => {
  const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const body = JSON.stringify({ specversion: '1.0', id: '1', source: 's', type: 't', traceparent: own });
  assert.equal(formatTraceparent(eventTraceparent(body, TP)!), TP);
  assert.equal(formatTraceparent(eventTraceparent(body, null)!), own);
  assert.equal(formatTraceparent(eventTraceparent(body, 'invalid')!), own);
  assert.equal(eventTraceparent('{"id":"1","data":{"note":"no trace here"}}', null), undefined);
  // A "traceparent" inside data is not the extension.
  assert.equal(eventTraceparent(JSON.stringify({ id: '1', data: { traceparent: own } }), null), undefined);
});

test('delivery telemetry - the trace context is a child span of the event\'s trace, new per attempt', () => {
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const t = new DeliveryTelemetry({ log });
  const body = JSON.stringify({ specversion: '1.0', id: '1', source: 's', type: 't' });
  assert.equal(t.traceContext(body, null), undefined);
  const a = t.traceContext(body, TP)!;
  const b = t.traceContext(body, TP)!;
  assert.equal(a.traceparent, TP);
  assert.match(a.header, /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  assert.notEqual(a.header, b.header);
  assert.notEqual(parseTraceparent(a.header)!.parentId, '00f067aa0ba902b7');
});

test('delivery telemetry - the event\'s tracestate travels with its own trace only', () => {
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const t = new DeliveryTelemetry({ log });
  const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const body = (extra: Record<string, unknown>): string => JSON.stringify({ specversion: '1.0', id: '1', source: 's', type: 't', ...extra });
  const withState = body({ traceparent: own, tracestate: 'vendor=abc,other=1' });
  assert.equal((t.traceContext(withState, null) as { tracestate?: string }).tracestate, 'vendor=abc,other=1', 'the event\'s own context');
  assert.equal((t.traceContext(withState, TP) as { tracestate?: string }).tracestate, undefined, 'another trace (the request\'s): not its tracestate');
  assert.equal((t.traceContext(body({ tracestate: 'vendor=abc' }), TP) as { tracestate?: string }).tracestate, undefined, 'a tracestate without its traceparent');
  assert.equal((t.traceContext(body({ traceparent: own, tracestate: `a=${'x'.repeat(600)}` }), null) as { tracestate?: string }).tracestate, undefined, 'over 512 characters');
  assert.equal((t.traceContext(body({ traceparent: own, tracestate: 'a=1\r\nx-injected: 1' }), null) as { tracestate?: string }).tracestate, undefined, 'no header injection');
});

test('observers - none active is no observer at all; one that throws does not stop the others', () => {
  assert.equal(observers([undefined, undefined], () => undefined), undefined);
  const seen: string[] = [];
  const errors: unknown[] = [];
  const o = observers([
    { appended: () => { throw new Error('boom'); } },
    { appended: (items) => void seen.push(`${items.length}`) },
  ], (err) => errors.push(err));
  o!.appended([], [], 0);
  assert.deepEqual(seen, ['0']);
  assert.equal(errors.length, 1);
});

test('traceparent - a value seen lately is answered from memory: equal text, the same frozen result; past the memory\'s bound, still right', () => {
  const a = parseTraceparent(TP);
  const b = parseTraceparent(`${TP} `.trim()); // equal text, another string
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a));
  assert.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'), undefined);
  assert.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'), undefined); // an invalid one, remembered
  for (let i = 0; i < 3000; i++) {
    const id = (i + 1).toString(16).padStart(16, '0');
    assert.equal(parseTraceparent(`00-4bf92f3577b34da6a3ce929d0e0e4736-${id}-01`)?.parentId, id);
  }
  assert.deepEqual(parseTraceparent(TP), a);
});

test('traceparent - sampled is bit 0 of the flags', () => {
  const flags = (f: string): boolean => isSampled({ ...parseTraceparent(TP)!, flags: f });
  for (const f of ['01', '03', '05', '07', '09', '0b', '0d', '0f', 'ff', '11']) assert.equal(flags(f), true, f);
  for (const f of ['00', '02', '04', '06', '08', '0a', '0c', '0e', 'fe', '10']) assert.equal(flags(f), false, f);
});
