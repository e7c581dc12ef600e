import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError } from '../core/index.js';
import { SchemaCompiler } from './compiler.js';
import { linearRegExp, UnsupportedPatternError } from './linear-regexp.js';

test('linear regexp - JSON Schema patterns keep their ECMA-262 meaning for the usual syntax', () => {
  const cases: Array<[string, string, boolean]> = [
    ['^[a-z]+$', 'abc', true], ['^\\d{3}-\\d{4}$', '555-1234', true], ['^\\d+$', '12a', false],
    ['\\p{L}+', 'é', true], ['^\\p{Lu}$', 'É', true], ['^[\\u0041-\\u005A]$', 'Q', true],
    ['^.$', '😀', true], ['^.$', '\n', false], ['^\\u{1F600}$', '😀', true], ['^(?<year>\\d{4})$', '2024', true],
    ['a/b', 'xa/by', true], ['^\\w+$', 'abc_1', true], ['colou?r', 'the color', true], ['^$', '', true],
  ];
  for (const [pattern, s, expected] of cases) {
    assert.equal(new RegExp(pattern, 'u').test(s), expected, `V8 ${pattern}`);
    assert.equal(linearRegExp(pattern, 'u').test(s), expected, `RE2 ${pattern} on ${JSON.stringify(s)}`);
  }
});

test('linear regexp - nested quantifiers run in linear time on 200,000 characters', () => {
  for (const pattern of ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '(x+x+)+y', '^(\\w+\\s?)*$']) {
    assert.equal(linearRegExp(pattern, 'u').test(`${'a'.repeat(200_000)}!`), false, pattern);
  }
});

test('linear regexp - what cannot run in linear time is refused with the pattern and the reason', () => {
  for (const pattern of ['(a)\\1', '(?=a)b', '(?!a)b', '(?<=a)b', '(?<!a)b', 'a{1001}', '\\p{Letter}']) {
    assert.throws(() => linearRegExp(pattern, 'u'), (e: unknown) => e instanceof UnsupportedPatternError && e.pattern === pattern && /linear-time engine/.test(e.message), pattern);
  }
});

test('linear regexp - the compiler refuses such a schema with the pointer of the pattern; different patterns never share a compiled one', () => {
  const c = new SchemaCompiler();
  assert.throws(() => c.check('2020-12', { $ref: '#/$defs/x', $defs: { x: { properties: { 'a/b': { pattern: '(a)\\1' } } } } }), (e: unknown) =>
    isSwitchyardError(e) && e.code === 'SWY_SCHEMA_INVALID' && e.violations[0]?.path === '/$defs/x/properties/a~1b/pattern' && e.violations[0].code === 'SWY_SCHEMA_PATTERN_UNSUPPORTED');
  // A "pattern" member that is data (const, enum) is not a pattern: only the keyword is reported.
  assert.throws(() => c.check('draft-07', { const: { pattern: '(a)\\1' }, patternProperties: { '(?=x)': { type: 'string' } } }), (e: unknown) =>
    isSwitchyardError(e) && e.violations[0]?.path === '/patternProperties/(?=x)');
  const a = c.compile('2020-12', { type: 'string', pattern: '^a+$' });
  const b = c.compile('2020-12', { type: 'string', pattern: '^b+$' });
  assert.deepEqual([a('aaa'), a('bbb'), b('aaa'), b('bbb')], [true, false, false, true]);
});
