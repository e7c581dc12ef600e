import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../../core/index.js';
import { compilePath } from './evaluate.js';

const doc = JSON.parse(`{
  "id": "e1",
  "data": {
    "order": { "id": 7, "lines": [ { "sku": "a", "qty": 1 }, { "sku": "b", "qty": 2 } ] },
    "a.b": "dotted", "x-y": "dashed", "it's": "quoted", "ü": "unicode", "": "empty",
    "zero": 0, "nil": null, "f": false
  }
}`) as JsonValue;

function select(path: string): JsonValue | undefined {
  const c = compilePath(path);
  assert.ok(c.ok, `${path}: ${c.ok ? '' : c.reason}`);
  return c.path.select(doc);
}

const found: Array<[string, JsonValue]> = [
  ['$', doc],
  ['$.id', 'e1'],
  ['$.data.order.id', 7],
  ["$['data']['order']['id']", 7],
  ['$["data"].order["id"]', 7],
  ['$.data.order.lines[0].sku', 'a'],
  ['$.data.order.lines[1].qty', 2],
  ['$.data.order.lines[-1].sku', 'b'],
  ['$.data.order.lines[-2].sku', 'a'],
  ['$.data.order.lines[ 0 ].sku', 'a'],
  ["$.data['a.b']", 'dotted'],
  ['$.data.x-y', 'dashed'],
  ["$.data['x-y']", 'dashed'],
  ["$.data['it\\'s']", 'quoted'],
  ['$.data["it\'s"]', 'quoted'],
  ['$.data.ü', 'unicode'],
  ['$.data.zero', 0],
  ['$.data.nil', null],
  ['$.data.f', false],
  ['$.data.order.lines[*].sku', ['a', 'b']],
  ['$.data.order.lines.*.qty', [1, 2]],
  ['$.data.order.*', [7, [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }]]],
  ['$.data.order.lines[*].missing', []],
  ['$.data.zero[*]', []],
];

for (const [path, expected] of found) {
  test(`jsonpath - ${path} selects ${JSON.stringify(expected).slice(0, 40)}`, () => {
    assert.deepEqual(select(path), expected);
  });
}

const missing = [
  '$.nope', '$.data.order.lines[2]', '$.data.order.lines[-3]', '$.data.order.id.deeper', '$.data.order[0]',
  '$.data.order.lines.sku', '$.data.constructor', '$.data.__proto__', '$.data.toString', '$.data.order.lines.length',
];
for (const path of missing) {
  test(`jsonpath - ${path} is missing (undefined), never a prototype member`, () => {
    assert.equal(select(path), undefined);
  });
}

const invalid: Array<[string, RegExp]> = [
  ['', /empty path/],
  ['data.x', /must start with \$/],
  ['$..x', /recursive descent/],
  ['$.', /member name/],
  ['$.a[', /expected a quoted name/],
  ['$.a[0', /expected "\]"/],
  ['$.a[0,1]', /unions/],
  ['$.a[0:2]', /slices/],
  ['$.a[?(@.x)]', /filter and script/],
  ['$.a[(1+1)]', /filter and script/],
  ["$.a['x]", /unterminated/],
  ["$.a['']", /empty member name/],
  ["$.a['\\n']", /escapes/],
  ['$.a[-0]', /-0/],
  ['$.a[01]', /expected "\]"/],
  ['$.a b', /unexpected " "/],
  ['$a', /unexpected "a"/],
  ['$.a[99999999999999999999]', /out of range/],
];
for (const [path, reason] of invalid) {
  test(`jsonpath - ${JSON.stringify(path)} is rejected with a reason`, () => {
    const c = compilePath(path);
    assert.equal(c.ok, false);
    assert.match((c as { reason: string }).reason, reason);
  });
}

test('jsonpath - a reason names the offset of the problem', () => {
  const c = compilePath('$.a.b..c');
  assert.equal(c.ok, false);
  assert.match((c as { reason: string }).reason, /offset 5/);
});

test('jsonpath - wildcard paths are flagged multi and always yield arrays', () => {
  const c = compilePath('$.x[*]');
  assert.ok(c.ok);
  assert.equal(c.path.multi, true);
  assert.deepEqual(c.path.select({}), []);
  assert.deepEqual(c.path.select({ x: { a: 1, b: 2 } }), [1, 2]);
});
