import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../core/index.js';
import { compileTransform } from './compile.js';
import { outputValue } from './output.js';
import { CTX, EVENT } from './fixtures.test-util.js';

interface Case {
  readonly name: string;
  readonly spec: unknown;
  readonly contentType: string;
  /** The expected body text exactly, or (for JSON) the parsed value. */
  readonly body?: string;
  readonly json?: JsonValue;
}

const customer = (EVENT.data as { order: { customer: JsonValue } }).order.customer;

const cases: Case[] = [
  // complete
  { name: 'complete - the whole event as CloudEvents JSON', spec: { type: 'complete' }, contentType: 'application/cloudevents+json', json: EVENT },
  // partial
  { name: 'partial - a nested object', spec: { type: 'partial', path: '$.data.order.customer' }, contentType: 'application/json', json: customer },
  { name: 'partial - a string with quotes and backslashes stays a JSON string', spec: { type: 'partial', path: '$.data.order.customer.path' }, contentType: 'application/json', body: '"C:\\\\tmp\\\\x"' },
  { name: 'partial - unicode survives', spec: { type: 'partial', path: '$.data.order.customer.cn' }, contentType: 'application/json', body: '"订单"' },
  { name: 'partial - a number', spec: { type: 'partial', path: '$.data.order.total' }, contentType: 'application/json', body: '12.5' },
  { name: 'partial - an array element by negative index', spec: { type: 'partial', path: '$.data.order.lines[-1].sku' }, contentType: 'application/json', json: 'b\n2' },
  { name: 'partial - a wildcard yields an array', spec: { type: 'partial', path: '$.data.order.lines[*].qty' }, contentType: 'application/json', body: '[1,2]' },
  { name: 'partial - a missing path yields null', spec: { type: 'partial', path: '$.data.nope.deeper' }, contentType: 'application/json', body: 'null' },
  { name: 'partial - an attribute', spec: { type: 'partial', path: '$.partitionkey' }, contentType: 'application/json', body: '"c-9"' },
  // constant
  { name: 'constant - a string is sent as text', spec: { type: 'constant', value: 'ping "quoted" \\ ü' }, contentType: 'text/plain; charset=utf-8', body: 'ping "quoted" \\ ü' },
  { name: 'constant - an object is sent as JSON', spec: { type: 'constant', value: { a: [1, 'x'], b: null } }, contentType: 'application/json', body: '{"a":[1,"x"],"b":null}' },
  { name: 'constant - null is JSON null', spec: { type: 'constant', value: null }, contentType: 'application/json', body: 'null' },
  { name: 'constant - a number', spec: { type: 'constant', value: 42 }, contentType: 'application/json', body: '42' },
  // template, JSON
  {
    name: 'template - JSON: standalone values keep their JSON type',
    spec: { type: 'template', variables: { id: '$.data.order.id', paid: '$.data.order.paid', note: '$.data.order.note', c: '$.data.order.customer', tags: '$.data.tags', big: '$.data.order.big' }, template: '{"id": ${id}, "paid": ${paid}, "note": ${note}, "c": ${c}, "tags": ${tags}, "big": ${big}}' },
    contentType: 'application/json',
    json: { id: 7, paid: true, note: null, c: customer, tags: ['x', 'y'], big: 1e21 },
  },
  {
    name: 'template - JSON: strings with quotes, backslashes and newlines are escaped inside strings',
    spec: { type: 'template', variables: { n: '$.data.order.customer.name', p: '$.data.order.customer.path', s: '$.data.order.lines[1].sku' }, template: '{"text": "${n} at ${p} / ${s}"}' },
    contentType: 'application/json',
    json: { text: 'Zoë "Z" O\'Neil at C:\\tmp\\x / b\n2' },
  },
  {
    name: 'template - JSON: numbers, booleans, null and objects inside a string become their JSON text',
    spec: { type: 'template', variables: { t: '$.data.order.total', p: '$.data.order.paid', n: '$.data.order.note', l: '$.data.order.lines[0]' }, template: '["${t}|${p}|${n}|${l}"]' },
    contentType: 'application/json',
    json: ['12.5|true|null|{"sku":"a-1","qty":1}'],
  },
  {
    name: 'template - JSON: a missing path is null standalone and empty inside a string',
    spec: { type: 'template', variables: { m: '$.data.missing' }, template: '{"v": ${m}, "s": "[${m}]", "w": ${m}}' },
    contentType: 'application/json',
    body: '{"v": null, "s": "[]", "w": null}',
  },
  {
    name: 'template - JSON: unicode and emoji pass through unescaped',
    spec: { type: 'template', variables: { e: '$.data.order.customer.emoji', cn: '$.data.order.customer.cn' }, template: '{"m":"${e} ${cn}","v":${cn}}' },
    contentType: 'application/json',
    body: '{"m":"🚀 订单","v":"订单"}',
  },
  {
    name: 'template - JSON: wildcards, empty objects and arrays',
    spec: { type: 'template', variables: { skus: '$.data.order.lines[*].sku', e: '$.data.empty', z: '$.data.none', w: '$.data.none[*]' }, template: '{"skus": ${skus}, "e": ${e}, "z": ${z}, "w": ${w}}' },
    contentType: 'application/json',
    json: { skus: ['a-1', 'b\n2'], e: {}, z: [], w: [] },
  },
  {
    name: 'template - JSON: the template layout (whitespace, key order) is kept byte for byte',
    spec: { type: 'template', variables: { id: '$.id' }, template: '{\n  "z": 1,\n  "id": ${id}\n}' },
    contentType: 'application/json',
    body: '{\n  "z": 1,\n  "id": "evt-1"\n}',
  },
  // template, text
  {
    name: 'template - text: plain values, objects as JSON text, missing as empty',
    spec: { type: 'template', variables: { n: '$.data.order.customer.name', t: '$.data.order.total', l: '$.data.tags', m: '$.nope' }, template: 'Order by ${n}: ${t} ${l} [${m}]' },
    contentType: 'text/plain; charset=utf-8',
    body: 'Order by Zoë "Z" O\'Neil: 12.5 ["x","y"] []',
  },
  {
    name: 'template - text: a $ before a placeholder is literal; ${ not followed by name} is text',
    spec: { type: 'template', variables: { t: '$.data.order.total' }, template: 'total $${t} (echo ${HOME:-x})' },
    contentType: 'text/plain; charset=utf-8',
    body: 'total $12.5 (echo ${HOME:-x})',
  },
  // predefined variables
  {
    name: 'template - predefined Switchyard variables',
    spec: { type: 'template', template: '{"rule": "${switchyard.rule-name}", "ref": "${switchyard.rule}", "bus": "${switchyard.bus}", "at": "${switchyard.ingestion-time}", "id": "${switchyard.event-id}"}' },
    contentType: 'application/json',
    json: { rule: 'orders-to-slack', ref: 'shop/orders-to-slack', bus: 'shop', at: '2024-05-01T10:00:01.250Z', id: 'evt-1' },
  },
  {
    name: 'template - switchyard.event is the event without data; switchyard.event.json the whole event',
    spec: { type: 'template', template: '{"attrs": ${switchyard.event}, "all": ${switchyard.event.json}}' },
    contentType: 'application/json',
    json: { attrs: Object.fromEntries(Object.entries(EVENT).filter(([k]) => k !== 'data')), all: EVENT },
  },
];

for (const c of cases) {
  test(`transform table - ${c.name}`, () => {
    const t = compileTransform(c.spec);
    assert.equal(t.contentType, c.contentType);
    const out = t.run(EVENT, CTX);
    assert.equal(out.contentType, c.contentType);
    assert.equal(out.format, t.format);
    if (c.body !== undefined) assert.equal(out.body, c.body);
    if (c.json !== undefined) {
      assert.deepEqual(JSON.parse(out.body), c.json);
      assert.deepEqual(outputValue(out), c.json);
    }
    if (out.format !== 'text') JSON.parse(out.body);
  });
}

test('transform - a constant output is frozen so a caller cannot corrupt later runs', () => {
  const t = compileTransform({ type: 'constant', value: { a: [1] } });
  const out = t.run(EVENT, CTX);
  assert.throws(() => ((outputValue(out) as { a: number[] }).a as number[]).push(2));
  assert.equal(t.run(EVENT, CTX).body, '{"a":[1]}');
});

test('transform - run never mutates the event', () => {
  const before = JSON.stringify(EVENT);
  for (const c of cases) compileTransform(c.spec).run(EVENT, CTX);
  assert.equal(JSON.stringify(EVENT), before);
});

test('transform - injection: values that look like JSON or placeholders stay data', () => {
  const t = compileTransform({ type: 'template', variables: { v: '$.data.v' }, template: '{"a": "${v}", "b": ${v}}' });
  for (const v of ['", "admin": true, "x": "', '${v}', '\\', '"}', '</script>', '\u2028\u2029', '\ud83d']) {
    const out = JSON.parse(t.run({ data: { v } }, CTX).body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['a', 'b']);
    assert.equal(out.a, v);
    assert.equal(out.b, out.a);
  }
});
