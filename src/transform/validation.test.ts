import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError, type SwitchyardError, type Violation } from '../core/index.js';
import { checkTransform, compileTransform } from './compile.js';

function violations(spec: unknown, at?: string): readonly Violation[] {
  const r = checkTransform(spec, at);
  assert.ok(!r.ok, 'expected the transformer to be rejected');
  return r.violations;
}

const rejected: Array<[string, unknown, Array<[string, string, RegExp]>]> = [
  ['not an object', 'complete', [['/transform', 'SWY_TRANSFORM_SHAPE', /JSON object/]]],
  ['an array', [], [['/transform', 'SWY_TRANSFORM_SHAPE', /JSON object/]]],
  ['no type, no AWS field', {}, [['/transform', 'SWY_TRANSFORM_SHAPE', /needs "type"/]]],
  ['an unknown type', { type: 'jq' }, [['/transform/type', 'SWY_TRANSFORM_SHAPE', /one of complete, partial, constant, template/]]],
  ['an unknown property', { type: 'complete', path: '$' }, [['/transform/path', 'SWY_TRANSFORM_SHAPE', /unknown property "path"/]]],
  ['partial without path', { type: 'partial' }, [['/transform/path', 'SWY_TRANSFORM_SHAPE', /path is required/]]],
  ['partial with a number path', { type: 'partial', path: 3 }, [['/transform/path', 'SWY_TRANSFORM_SHAPE', /must be a string/]]],
  ['partial with a bad path', { type: 'partial', path: '$.a[?(@.b)]' }, [['/transform/path', 'SWY_TRANSFORM_JSONPATH', /filter and script expressions are not supported at offset 4/]]],
  ['constant without value', { type: 'constant' }, [['/transform/value', 'SWY_TRANSFORM_SHAPE', /value is required/]]],
  ['template without template', { type: 'template', variables: {} }, [['/transform/template', 'SWY_TRANSFORM_SHAPE', /template is required/]]],
  ['template with variables not an object', { type: 'template', variables: ['$.a'], template: 'x' }, [['/transform/variables', 'SWY_TRANSFORM_SHAPE', /object of variable name/]]],
  ['template with a bad format', { type: 'template', template: 'x', format: 'xml' }, [['/transform/format', 'SWY_TRANSFORM_SHAPE', /"auto", "json" or "text"/]]],
  ['an unknown variable', { type: 'template', template: '{"a": ${x}}' }, [['/transform/template', 'SWY_TRANSFORM_UNKNOWN_VARIABLE', /unknown variable "x" at offset 6/]]],
  ['a reserved variable name', { type: 'template', variables: { 'switchyard.bus': '$.a' }, template: 'x' }, [['/transform/variables/switchyard.bus', 'SWY_TRANSFORM_VARIABLE_NAME', /reserved/]]],
  ['an invalid variable name (pointer-escaped)', { type: 'template', variables: { 'a/b': '$.a' }, template: 'x' }, [['/transform/variables/a~1b', 'SWY_TRANSFORM_VARIABLE_NAME', /\[A-Za-z0-9_-\]\+/]]],
  ['a JSON template that cannot be JSON', { type: 'template', variables: { a: '$.a' }, template: '{"a": ${a} "b": 1}' }, [['/transform/template', 'SWY_TRANSFORM_TEMPLATE_NOT_JSON', /expected "," or "}" in an object at template offset 11/]]],
  [
    'several problems at once, one violation each',
    { type: 'template', variables: { a: '$..a', b: 'b' }, template: '${a} ${c}' },
    [
      ['/transform/variables/a', 'SWY_TRANSFORM_JSONPATH', /recursive descent/],
      ['/transform/variables/b', 'SWY_TRANSFORM_JSONPATH', /must start with \$/],
      ['/transform/template', 'SWY_TRANSFORM_UNKNOWN_VARIABLE', /"c"/],
    ],
  ],
  ['AWS: two forms at once', { InputPath: '$.data', Input: '{}' }, [['/transform', 'SWY_TRANSFORM_SHAPE', /only one of/]]],
  ['AWS: both casings', { InputPath: '$.data', inputPath: '$.data' }, [['/transform/inputPath', 'SWY_TRANSFORM_SHAPE', /either "InputPath" or "inputPath"/]]],
  ['AWS: Input that is not JSON', { Input: '{oops}' }, [['/transform/Input', 'SWY_TRANSFORM_SHAPE', /valid JSON text/]]],
  ['AWS: InputTransformer without InputTemplate', { InputTransformer: { InputPathsMap: {} } }, [['/transform/InputTransformer/InputTemplate', 'SWY_TRANSFORM_SHAPE', /required/]]],
  ['AWS: unknown variable in InputTemplate', { InputTransformer: { InputTemplate: '"<nope>"' } }, [['/transform/InputTransformer/InputTemplate', 'SWY_TRANSFORM_UNKNOWN_VARIABLE', /"nope"/]]],
  ['AWS: reserved key', { InputTransformer: { InputPathsMap: { 'aws.events.x': '$.a' }, InputTemplate: 'x' } }, [['/transform/InputTransformer/InputPathsMap/aws.events.x', 'SWY_TRANSFORM_VARIABLE_NAME', /reserved/]]],
  ['AWS: placeholder as a key', { InputTransformer: { InputPathsMap: { k: '$.a' }, InputTemplate: '{<k>: 1}' } }, [['/transform/InputTransformer/InputTemplate', 'SWY_TRANSFORM_TEMPLATE_NOT_JSON', /placeholder "k"/]]],
];

for (const [name, spec, expected] of rejected) {
  test(`transform validation - ${name} is rejected with path and reason`, () => {
    const v = violations(spec);
    assert.equal(v.length, expected.length, JSON.stringify(v));
    expected.forEach(([path, code, reason], i) => {
      assert.equal(v[i]?.path, path);
      assert.equal(v[i]?.code, code);
      assert.match(v[i]?.reason ?? '', reason);
    });
  });
}

test('transform validation - compileTransform throws SWY_TRANSFORM_INVALID (400) with the violations', () => {
  let err: SwitchyardError | undefined;
  try {
    compileTransform({ type: 'partial', path: 'data' });
  } catch (e) {
    if (isSwitchyardError(e)) err = e;
  }
  assert.ok(err);
  assert.equal(err.code, 'SWY_TRANSFORM_INVALID');
  assert.equal(err.status, 400);
  assert.match(err.message, /\/transform\/path: invalid JSONPath "data"/);
  assert.equal(err.violations[0]?.code, 'SWY_TRANSFORM_JSONPATH');
});

test('transform validation - violation paths are rooted where the caller says', () => {
  const v = violations({ type: 'partial', path: '$$' }, '/targets/2/transform');
  assert.equal(v[0]?.path, '/targets/2/transform/path');
});
