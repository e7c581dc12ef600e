import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTransform } from './compile.js';
import { PREDEFINED_VARIABLE_NAMES } from './variables.js';
import { CTX, EVENT } from './fixtures.test-util.js';

test('aws - InputPath (and inputPath) select like a partial transformer', () => {
  for (const spec of [{ InputPath: '$.data.order.id' }, { inputPath: '$.data.order.id' }]) {
    const out = compileTransform(spec).run(EVENT, CTX);
    assert.equal(out.body, '7');
    assert.equal(out.contentType, 'application/json');
  }
});

test('aws - Input is constant JSON text, sent byte for byte', () => {
  const out = compileTransform({ Input: '{ "alarm" : true }' }).run(EVENT, CTX);
  assert.equal(out.body, '{ "alarm" : true }');
  assert.equal(out.contentType, 'application/json');
});

test('aws - InputTransformer with a text template (the AWS documentation example)', () => {
  const t = compileTransform({ InputTransformer: { InputPathsMap: { instance: '$.data.order.id', status: '$.data.order.paid' }, InputTemplate: '<instance> is in state <status>' } });
  const out = t.run(EVENT, CTX);
  assert.equal(out.body, '7 is in state true');
  assert.equal(out.contentType, 'text/plain; charset=utf-8');
});

test('aws - InputTransformer with a JSON template, placeholders in and out of quotes', () => {
  const t = compileTransform({
    inputTransformer: {
      inputPathsMap: { name: '$.data.order.customer.name', id: '$.data.order.id' },
      inputTemplate: '{"myId": <id>, "msg": "<name> has order <id>", "who": <name>}',
    },
  });
  const out = JSON.parse(t.run(EVENT, CTX).body) as Record<string, unknown>;
  assert.deepEqual(out, { myId: 7, msg: 'Zoë "Z" O\'Neil has order 7', who: 'Zoë "Z" O\'Neil' });
});

test('aws - predefined variables: rule name, rule "arn", ingestion time, event without data, whole event', () => {
  const t = compileTransform({
    InputTransformer: {
      InputTemplate: '{"r": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", "t": "<aws.events.event.ingestion-time>", "e": <aws.events.event>, "j": <aws.events.event.json>}',
    },
  });
  const out = JSON.parse(t.run(EVENT, CTX).body) as Record<string, Record<string, unknown>>;
  assert.equal(out.r, 'orders-to-slack');
  assert.equal(out.arn, 'shop/orders-to-slack');
  assert.equal(out.t, '2024-05-01T10:00:01.250Z');
  assert.equal(out.e?.id, 'evt-1');
  assert.equal('data' in (out.e ?? {}), false);
  assert.deepEqual(out.j, EVENT);
});

test('aws - the whole event inside a string is escaped JSON text, never raw', () => {
  const t = compileTransform({ InputTransformer: { InputTemplate: '{"raw": "<aws.events.event.json>"}' } });
  const out = JSON.parse(t.run(EVENT, CTX).body) as { raw: string };
  assert.deepEqual(JSON.parse(out.raw), EVENT);
});

test('aws - every predefined variable is usable in a template and reserved for users', () => {
  for (const name of PREDEFINED_VARIABLE_NAMES) {
    assert.doesNotThrow(() => compileTransform({ type: 'template', template: `{"v": \${${name}}}` }), name);
    assert.throws(() => compileTransform({ type: 'template', variables: { [name]: '$.id' }, template: 'x' }), name);
  }
});
