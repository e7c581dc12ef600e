import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError } from '../core/index.js';
import { RuleMatcher } from './matcher.js';
import { testPattern } from './test-pattern.js';
import { numberInfo } from './pattern/number.js';
import { compilePatternText } from './pattern/parse.js';

const ce = { specversion: '1.0', id: '1', source: '/shop', type: 'order.created', data: { total: 250, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }] } };

test('numbers - 3, 3.0 and 3e0 are the same exact number; 2^53+1 is inexact', () => {
  assert.deepEqual([numberInfo('3'), numberInfo('3.0'), numberInfo('3e0')].map((n) => [n.value, n.exact]), [[3, true], [3, true], [3, true]]);
  assert.equal(numberInfo('9007199254740993').exact, false);
  assert.equal(numberInfo('0.10000000000000001').exact, false);
  assert.equal(numberInfo('-0.0').value, 0);
});

test('matcher - attributes at top level and payload under data', () => {
  const m = new RuleMatcher();
  m.add('big', { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } });
  m.add('sku-b-many', { pattern: { data: { items: { sku: ['b'], qty: [{ numeric: ['>=', 5] }] } } } });
  m.add('sku-a-many', { pattern: { data: { items: { sku: ['a'], qty: [{ numeric: ['>=', 5] }] } } } });
  assert.deepEqual(m.match(ce).sort(), ['big', 'sku-b-many']);
  assert.deepEqual(m.matchText(JSON.stringify(ce)).sort(), ['big', 'sku-b-many']);
});

test('matcher - a snapshot keeps matching the rule set of its moment', () => {
  const m = new RuleMatcher();
  m.add('r1', { pattern: { source: ['/shop'] } });
  const before = m.snapshot();
  m.remove('r1');
  m.add('r2', { pattern: { source: [{ prefix: '/sh' }] } });
  assert.deepEqual(before.match(ce), ['r1']);
  assert.deepEqual(m.match(ce), ['r2']);
});

test('matcher - adding an existing id replaces its filter; remove of an unknown id is false', () => {
  const m = new RuleMatcher();
  m.add('r', { pattern: { source: ['/other'] } });
  m.add('r', { pattern: { source: ['/shop'] } });
  assert.deepEqual(m.match(ce), ['r']);
  assert.equal(m.remove('nope'), false);
  assert.equal(m.size, 1);
});

test('matcher - sql and subscription filters run beside patterns on both paths', () => {
  const m = new RuleMatcher();
  m.add('sql', { sql: "type = 'order.created'" });
  m.add('subs', { filters: [{ prefix: { type: 'order.' } }] });
  m.add('pat', { pattern: { type: ['nope'] } });
  assert.deepEqual(m.match(ce).sort(), ['sql', 'subs']);
  assert.deepEqual(m.matchText(JSON.stringify(ce)).sort(), ['sql', 'subs']);
});

test('matcher - an invalid filter is rejected with a path and reason, and changes nothing', () => {
  const m = new RuleMatcher();
  assert.throws(
    () => m.add('bad', { pattern: { data: { total: [{ numeric: ['>', 5, '>', 10] }] } } }),
    (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_RULES_INVALID_PATTERN' && e.violations[0]?.path === '/data/total/0',
  );
  assert.throws(() => m.add('bad', { pattern: {}, sql: 'TRUE' }), (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_RULES_INVALID_FILTER');
  assert.equal(m.size, 0);
});

test('limits - pattern size and wildcard complexity are guarded', () => {
  const big = JSON.stringify({ a: [`${'x'.repeat(5000)}`] });
  assert.throws(() => compilePatternText(big), (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_RULES_PATTERN_TOO_LARGE');
  assert.throws(() => compilePatternText('{"a":[{"wildcard":"*:*:*:*:*:x/*"}]}'), (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_RULES_PATTERN_TOO_COMPLEX');
  assert.doesNotThrow(() => compilePatternText(big, { maxPatternBytes: 8192, maxWildcardStars: 5, maxAlternatives: 256 }));
});

test('testPattern - reports the first failing condition with path, operator, expected and actual', () => {
  assert.deepEqual(testPattern({ pattern: { source: ['/shop'], data: { total: [{ numeric: ['>', 300] }] } } }, { event: ce }), {
    match: false,
    reason: { path: 'data.total', operator: 'numeric', expected: [{ numeric: ['>', 300] }], actual: 250 },
  });
  assert.deepEqual(testPattern({ pattern: { subject: ['x'] } }, { event: ce }), {
    match: false,
    reason: { path: 'subject', operator: 'exact', expected: ['x'] },
  });
  assert.deepEqual(testPattern({ patternText: '{"data":{"total":[250.0]}}' }, { eventText: JSON.stringify(ce) }), { match: true });
});

test('matcher - raw text: a dotted key after a scanned subtree still counts (no early stop past it)', () => {
  const m = new RuleMatcher();
  m.add('dotted', { pattern: { 'a.b': [{ 'anything-but': 'x' }] } });
  m.add('nested', { pattern: { a: [{ numeric: ['>=', 0] }] } });
  for (const text of ['{"a":{},"a.b":""}', '{"a":{},"a\\u002eb":""}', '{"x":{"a":{}},"x.a.b":""}']) {
    assert.deepEqual(m.matchText(text), m.match(JSON.parse(text)), text);
  }
  assert.deepEqual(m.matchText('{"a":{},"a.b":""}'), ['dotted']);
  // With nothing that could reach back, the scan still stops early: trailing garbage is unread.
  assert.deepEqual(m.matchText('{"a":{"b":"y"},"z":1} trailing'), ['dotted']);
});

test('matcher - raw text: the dotted-key probe skips the same text inside a string value and finds the key after it', () => {
  const m = new RuleMatcher();
  m.add('two', { pattern: { a: { b: [2] } } });
  for (const text of ['{"a":{"b":1},"x":"za.b","a.b":2}', '{"a":{"b":1},"x":"a.b","a.b":2}', '{"a":{"b":1},"x":"za.b"}']) {
    assert.deepEqual(m.matchText(text), m.match(JSON.parse(text)), text);
  }
  assert.deepEqual(m.matchText('{"a":{"b":1},"x":"za.b","a.b":2}'), ['two']);
});
