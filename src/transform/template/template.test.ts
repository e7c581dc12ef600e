import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitTemplate } from './split.js';
import { compileTemplate } from './compile.js';
import { locateJsonError } from './json-locate.js';
import { escapeJsonString } from './render.js';

const known = (n: string): boolean => ['a', 'b', 'switchyard.bus'].includes(n);

test('template split - ${name} placeholders with offsets; other ${ text is literal', () => {
  const p = splitTemplate('x ${a} y ${ HOME:-/} $${b} ${ switchyard.bus }', 'dollar');
  assert.deepEqual(p.literals, ['x ', ' y ${ HOME:-/} $', ' ', '']);
  assert.deepEqual(p.slots, [{ name: 'a', start: 2, end: 6 }, { name: 'b', start: 22, end: 26 }, { name: 'switchyard.bus', start: 27, end: 46 }]);
});

test('template split - <name> placeholders; other angle brackets stay literal', () => {
  const p = splitTemplate('<a> is < 3 and <https://x|link> <!here> <b>', 'angle');
  assert.deepEqual(p.slots.map((s) => s.name), ['a', 'b']);
  assert.deepEqual(p.literals, ['', ' is < 3 and <https://x|link> <!here> ', '']);
});

test('template - auto format: { or [ first means JSON, anything else text', () => {
  const j = compileTemplate('  {"a": ${a}}', 'dollar', 'auto', known);
  assert.ok(j.ok && j.template.format === 'json');
  const t = compileTemplate('a=${a}', 'dollar', 'auto', known);
  assert.ok(t.ok && t.template.format === 'text');
  const forced = compileTemplate('${a}', 'dollar', 'json', known);
  assert.ok(forced.ok && forced.template.format === 'json');
  assert.equal(forced.ok && forced.template.render(['x"y']), '"x\\"y"');
  const text = compileTemplate('[ALERT] ${a}', 'dollar', 'text', known);
  assert.ok(text.ok && text.template.render(['hi']) === '[ALERT] hi');
});

test('template - every unknown variable is reported once', () => {
  const r = compileTemplate('${x} ${y} ${x} ${a}', 'dollar', 'auto', known);
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => p.reason), ['unknown variable "x" at offset 0', 'unknown variable "y" at offset 5']);
});

const notJson: Array<[string, RegExp]> = [
  ['{"a": ${a}${b}}', /placeholder "b" at template offset 10 stands where JSON expects "," or "}" in an object/],
  ['{${a}: 1}', /placeholder "a" at template offset 1 stands where JSON expects a string/],
  ['{"${a}": 1}', /cannot be used in an object key/],
  ['{"a": "\\${a}"}', /inside an escape sequence/],
  ['{"a": "\\u00${a}"}', /inside an escape sequence/],
  ['{"a": 1${a}}', /offset 7/],
  ['{"a": ${a}', /at the end of the template/],
  ['[1, 2,]', /expected a JSON value at template offset 6/],
];
for (const [tpl, reason] of notJson) {
  test(`template - JSON template ${tpl} is rejected: ${reason.source}`, () => {
    const r = compileTemplate(tpl, 'dollar', 'auto', known);
    assert.ok(!r.ok);
    const p = r.problems;
    assert.equal(p[0]?.code, 'SWY_TRANSFORM_TEMPLATE_NOT_JSON');
    assert.match(p[0]?.reason ?? '', reason);
  });
}

test('template - an escaped quote before a placeholder keeps it inside the string', () => {
  const r = compileTemplate('{"a": "say \\"${a}\\""}', 'dollar', 'auto', known);
  assert.ok(r.ok);
  assert.deepEqual(JSON.parse(r.template.render(['"x"'])), { a: 'say ""x""' });
});

test('template - a variable used twice is resolved once and rendered per place', () => {
  const r = compileTemplate('{"v": ${a}, "s": "<${a}>"}', 'dollar', 'auto', known);
  assert.ok(r.ok);
  assert.deepEqual(r.template.variables, ['a']);
  assert.equal(r.template.render([{ k: '"' }]), '{"v": {"k":"\\""}, "s": "<{\\"k\\":\\"\\\\\\"\\"}>"}');
  assert.deepEqual(JSON.parse(r.template.render([{ k: '"' }])), { v: { k: '"' }, s: '<{"k":"\\""}>' });
});

test('json-locate - agrees with JSON.parse on validity', () => {
  for (const t of ['{}', '[]', '"a"', '1.5e3', '-0', ' null ', '{"a":[1,{"b":"\\u00e9\\n"}]}', '{', '[1,]', '"\\x"', '01', '"a\u0001"', 'tru', '{"a" 1}', '1 2', '']) {
    let valid = true;
    try {
      JSON.parse(t);
    } catch {
      valid = false;
    }
    assert.equal(locateJsonError(t) === undefined, valid, t);
  }
});

test('render - escapeJsonString leaves plain text alone and escapes quotes, backslashes, controls, lone surrogates', () => {
  assert.equal(escapeJsonString('plain ü 😀'), 'plain ü 😀');
  assert.equal(escapeJsonString('a"b\\c\n\u0000'), 'a\\"b\\\\c\\n\\u0000');
  assert.equal(escapeJsonString('\ud800'), '\\ud800');
});

test('template - a JSON template nested deeper than 64 levels is refused before parsing, not a stack overflow', () => {
  for (const tpl of ['['.repeat(400_000) + ']'.repeat(400_000), '['.repeat(100_000) + '${a}' + ']'.repeat(100_000)]) {
    const r = compileTemplate(tpl, 'dollar', 'auto', known);
    assert.ok(!r.ok);
    assert.equal(r.problems[0]?.code, 'SWY_TRANSFORM_TEMPLATE_NOT_JSON');
    assert.match(r.problems[0]?.reason ?? '', /nested deeper than 64 levels at template offset 64/);
  }
  assert.ok(compileTemplate('['.repeat(64) + '${a}' + ']'.repeat(64), 'dollar', 'auto', known).ok);
});

test('template - private-use characters in the template never pass for a placeholder', () => {
  const pu = '\ue000\ue000\ue001';
  const ok = compileTemplate(`{"k${pu}": "x ${'${a}'} ${pu}"}`, 'dollar', 'auto', known);
  assert.ok(ok.ok);
  assert.deepEqual(JSON.parse(ok.template.render(['v'])), { [`k${pu}`]: `x v ${pu}` });
  const bad = compileTemplate(`{"${pu}${'${a}'}": 1}`, 'dollar', 'auto', known);
  assert.ok(!bad.ok);
  assert.match(bad.problems[0]?.reason ?? '', /cannot be used in an object key/);
});
