import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnswer } from './transaction-checker.js';

test('transaction checker - an answer names commit, rollback or unknown (any case); anything else is unknown with a reason', () => {
  assert.deepEqual(parseAnswer('{"action":"commit"}'), { answer: 'commit' });
  assert.deepEqual(parseAnswer('{"action":"ROLLBACK"}'), { answer: 'rollback' });
  assert.deepEqual(parseAnswer('{"action":"Unknown"}'), { answer: 'unknown' });
  for (const text of ['', 'commit', '{"action":"COMMIT_MESSAGE"}', '{"action":1}', 'null', '[]', '{"state":"commit"}', '{"action":"commit"']) {
    const a = parseAnswer(text);
    assert.equal(a.answer, 'unknown', text);
    assert.equal(typeof a.detail, 'string', text);
  }
});
