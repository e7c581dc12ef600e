// Transformer output is capped (limits.maxTransformOutputBytes, default limits.maxEventBytes):
// a template repeating a large value is refused in a transform test, a constant or template text
// over the cap is refused when the rule is saved, and at delivery the delivery is dead-lettered
// with the reason, nothing sent. The server keeps answering throughout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';
import { assertProblem, call, ce } from './_client.js';
import { deadLetters, putEvents, putRule, startReceiver, untilFinal, type Receiver } from './_delivery-receiver.js';

const KiB = 1024;

describe('transform output limits e2e', () => {
  let s: TestServer;
  let rx: Receiver;
  before(async () => {
    s = await startTestServer();
    rx = await startReceiver();
  });
  after(async () => {
    await rx.close();
    await s.close();
  });

  // The hardening report's case: a 200 KB value repeated 500 times would be a 100 MB answer.
  const big = 'x'.repeat(200 * KiB);
  const repeated = '${v}'.repeat(500);

  test('transform limits - a template rendering past the cap is a 400 naming it, in both template forms', async () => {
    const event = ce('t1', { data: big });
    const forms: Array<[unknown, string]> = [
      [{ type: 'template', variables: { v: '$.data' }, template: repeated }, '/transform/template'],
      [{ type: 'template', variables: { v: '$.data' }, template: `{"a": [${Array.from({ length: 500 }, () => '${v}').join(',')}]}` }, '/transform/template'],
      [{ InputTransformer: { InputPathsMap: { v: '$.data' }, InputTemplate: '<v>'.repeat(500) } }, '/transform/InputTransformer/InputTemplate'],
    ];
    for (const [transform, path] of forms) {
      const p = assertProblem(await call(s.url, '/v1/transforms/test', { json: { transform, event } }), 400, 'SWY_TRANSFORM_OUTPUT_TOO_LARGE');
      assert.match(p.detail, /262144 bytes \(limits\.maxTransformOutputBytes\)/);
      assert.deepEqual(p.violations?.map((v) => v.path), [path]);
      assert.equal((await call(s.url, '/healthz')).status, 200);
    }
    // Under the cap the same template renders.
    const ok = await call<{ output: string }>(s.url, '/v1/transforms/test', { json: { transform: { type: 'template', variables: { v: '$.data' }, template: '${v}' }, event } });
    assert.equal(ok.status, 200, ok.text.slice(0, 200));
    assert.equal(ok.json.output.length, big.length);
  });

  test('transform limits - a constant or template text over the cap is refused when the rule is saved', async () => {
    const text = 'y'.repeat(257 * KiB);
    for (const [transform, path] of [
      [{ type: 'template', template: text }, '/targets/0/transform/template'],
      [{ type: 'constant', value: text }, '/targets/0/transform'],
      [{ Input: JSON.stringify({ text }) }, '/targets/0/transform'],
    ] as const) {
      const a = await call(s.url, '/v1/buses/default/rules/too-big', { method: 'PUT', json: { filter: { pattern: { type: ['never'] } }, targets: [{ id: 'h', kind: 'http', url: rx.url, transform }] } });
      const p = assertProblem(a, 400, 'SWY_API_INVALID_TARGETS');
      assert.deepEqual(p.violations?.map((v) => [v.path, v.code]), [[path, 'SWY_TRANSFORM_OUTPUT_TOO_LARGE']]);
    }
    assert.equal((await call(s.url, '/v1/buses/default/rules/too-big')).status, 404, 'nothing saved');
  });

  test('transform limits - at delivery an output over the cap dead-letters the delivery with the reason; nothing is sent', async () => {
    await putRule(s.url, 'default', 'repeat', {
      filter: { pattern: { type: ['repeat'] } },
      targets: [{ id: 'h', kind: 'http', url: rx.url, sendAs: 'body', transform: { type: 'template', variables: { v: '$.data' }, template: repeated } }],
    });
    await putEvents(s.url, 'default', [ce('r1', { type: 'repeat', data: big })]);
    await untilFinal(s.url, 'default', 'r1', 'dead');
    const [dl] = await deadLetters(s.url, 'rule=repeat');
    assert.match(dl?.lastError ?? '', /exceed 262144 bytes \(limits\.maxTransformOutputBytes\)/);
    assert.equal(dl?.attempts, 0, 'not retried');
    assert.equal(rx.requests.length, 0);
  });
});

test('transform limits - limits.maxTransformOutputBytes sets the cap', async () => {
  const s = await startTestServer({ limits: { maxTransformOutputBytes: 4 * KiB } });
  try {
    const transform = { type: 'template', variables: { v: '$.data' }, template: '${v}${v}' };
    const ok = await call(s.url, '/v1/transforms/test', { json: { transform, event: ce('c1', { data: 'z'.repeat(2 * KiB) }) } });
    assert.equal(ok.status, 200, ok.text.slice(0, 200));
    // 4 KiB + 2 bytes: the cap counts UTF-8 bytes, so one "é" past 4,094 ASCII characters is over.
    const over = await call(s.url, '/v1/transforms/test', { json: { transform, event: ce('c2', { data: `${'z'.repeat(2 * KiB - 1)}é` }) } });
    const p = assertProblem(over, 400, 'SWY_TRANSFORM_OUTPUT_TOO_LARGE');
    assert.match(p.detail, /4096 bytes/);
  } finally {
    await s.close();
  }
});
