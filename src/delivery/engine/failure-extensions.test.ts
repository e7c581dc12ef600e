import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILURE_EXTENSIONS, MAX_FAILURE_MESSAGE, withFailureExtensions } from './failure-extensions.js';

const failure = { errorClass: 'http', status: 503, message: 'HTTP 503', rule: 'r', target: 't', attempts: 4 };

test('failure extensions - set on the event, data text kept byte-exact', () => {
  const out = withFailureExtensions('{"specversion":"1.0","id":"a","source":"s","type":"t","tenant":"x","data":{"n":9007199254740993}}', failure)!;
  const o = JSON.parse(out) as Record<string, unknown>;
  assert.equal(o[FAILURE_EXTENSIONS.errorClass], 'http');
  assert.equal(o[FAILURE_EXTENSIONS.status], 503);
  assert.equal(o[FAILURE_EXTENSIONS.attempts], 4);
  assert.equal(o[FAILURE_EXTENSIONS.rule], 'r');
  assert.equal(o[FAILURE_EXTENSIONS.target], 't');
  assert.equal(o.tenant, 'x');
  assert.match(out, /"data":\{"n":9007199254740993\}\}$/);
});

test('failure extensions - earlier ones are replaced, a missing status is left out, a long message is cut', () => {
  const first = withFailureExtensions('{"specversion":"1.0","id":"a","source":"s","type":"t"}', failure)!;
  const again = JSON.parse(withFailureExtensions(first, { ...failure, status: null, errorClass: 'network', message: 'x'.repeat(2000) })!) as Record<string, unknown>;
  assert.equal(again[FAILURE_EXTENSIONS.errorClass], 'network');
  assert.equal(again[FAILURE_EXTENSIONS.status], undefined);
  assert.equal((again[FAILURE_EXTENSIONS.message] as string).length, MAX_FAILURE_MESSAGE);
});

test('failure extensions - text that is not an event gives undefined (the copy goes as stored)', () => {
  assert.equal(withFailureExtensions('not json', failure), undefined);
  assert.equal(withFailureExtensions('[1]', failure), undefined);
});
