import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError, type JsonValue } from '../core/index.js';
import { checkTransform, compileTransform } from './compile.js';
import { DEFAULT_MAX_OUTPUT_BYTES, exceedsBytes } from './limits.js';
import { compileTemplate } from './template/compile.js';
import { CTX } from './fixtures.test-util.js';
import { testTransform } from './test-transform.js';

const tooLarge = (e: unknown): boolean => isSwitchyardError(e) && e.code === 'SWY_TRANSFORM_OUTPUT_TOO_LARGE';

test('transform limits - exceedsBytes counts UTF-8 bytes, not characters', () => {
  assert.equal(exceedsBytes('a'.repeat(10), 10), false);
  assert.equal(exceedsBytes('a'.repeat(11), 10), true);
  assert.equal(exceedsBytes('é'.repeat(5), 10), false);
  assert.equal(exceedsBytes('é'.repeat(6), 10), true);
  assert.equal(exceedsBytes('😀'.repeat(3), 11), true);
});

test('transform limits - a bounded render stops as soon as the output passes the cap, never building it in full', () => {
  const r = compileTemplate('${a}'.repeat(1000), 'dollar', 'text', (n) => n === 'a');
  assert.ok(r.ok);
  let renders = 0;
  // JSON.stringify calls toJSON once per rendering of the value: it counts the renders.
  const value = { toJSON: () => { renders++; return 'x'.repeat(1000); } } as unknown as JsonValue;
  assert.equal(r.template.render([value], 10_000), undefined);
  assert.ok(renders <= 11, `${renders} renders for a 10,000-byte cap of 1,000-byte pieces`);
  renders = 0;
  // Each piece is the 1,000 x's in quotes (an object renders as its JSON in text).
  assert.equal(r.template.render([value], 2_000_000)?.length, 1000 * 1002);
  assert.equal(renders, 1000);
});

test('transform limits - a template over the cap at run throws SWY_TRANSFORM_OUTPUT_TOO_LARGE; at the cap it renders', () => {
  const event = { specversion: '1.0', id: '1', source: '/s', type: 't', data: 'é'.repeat(512) };
  const spec = { type: 'template', variables: { v: '$.data' }, template: '${v}${v}' };
  assert.equal(compileTransform(spec, { maxOutputBytes: 2048 }).run(event, CTX).body.length, 1024);
  const t = compileTransform(spec, { maxOutputBytes: 2047 });
  assert.throws(() => t.run(event, CTX), (e: unknown) => tooLarge(e) && isSwitchyardError(e) && e.violations[0]?.path === '/transform/template');
  // The AWS form is the same template kind.
  const aws = compileTransform({ InputTransformer: { InputPathsMap: { v: '$.data' }, InputTemplate: '"<v><v>"' } }, { maxOutputBytes: 2047 });
  assert.throws(() => aws.run(event, CTX), tooLarge);
  // Without options the default cap holds.
  const big = { ...event, data: 'x'.repeat(200 * 1024) };
  assert.throws(() => compileTransform({ type: 'template', variables: { v: '$.data' }, template: '${v}'.repeat(500) }).run(big, CTX), tooLarge);
  assert.equal(DEFAULT_MAX_OUTPUT_BYTES, 256 * 1024);
});

test('transform limits - a constant or a template whose literal text is over the cap is a violation at compile', () => {
  const at = '/targets/0/transform';
  for (const [spec, path] of [
    [{ type: 'template', template: 'é'.repeat(600) }, `${at}/template`],
    [{ type: 'template', variables: { v: '$.id' }, template: `${'a'.repeat(1200)}\${v}` }, `${at}/template`],
    [{ type: 'constant', value: 'é'.repeat(600) }, at],
    [{ type: 'constant', value: { s: 'a'.repeat(1100) } }, at],
    [{ Input: JSON.stringify('a'.repeat(1100)) }, at],
  ] as const) {
    const r = checkTransform(spec, at, { maxOutputBytes: 1100 });
    assert.ok(!r.ok, JSON.stringify(spec).slice(0, 60));
    assert.deepEqual(r.violations.map((v) => [v.path, v.code]), [[path, 'SWY_TRANSFORM_OUTPUT_TOO_LARGE']]);
    assert.match(r.violations[0]!.reason, /1100 bytes \(limits\.maxTransformOutputBytes\)/);
  }
  assert.ok(checkTransform({ type: 'constant', value: 'a'.repeat(1100) }, at, { maxOutputBytes: 1100 }).ok);
});

test('transform limits - a test event nested deeper than the event limit is refused at /event', () => {
  let data: JsonValue = 1;
  for (let i = 0; i < 100_000; i++) data = [data];
  assert.throws(() => testTransform({ type: 'partial', path: '$.data' }, { data }), (e: unknown) =>
    isSwitchyardError(e) && e.code === 'SWY_TRANSFORM_TEST_EVENT' && e.violations[0]?.path === '/event' && /deeper than 64 levels/.test(e.violations[0].reason));
  let ok: JsonValue = 1;
  for (let i = 0; i < 62; i++) ok = [ok];
  assert.equal(testTransform({ type: 'partial', path: '$.data' }, { data: ok }).contentType, 'application/json');
});
