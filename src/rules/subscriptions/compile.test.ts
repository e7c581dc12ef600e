import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSubscriptionFilters } from './compile.js';

const EVENT = {
  specversion: '1.0',
  id: 'e1',
  source: 'https://github.com/cloudevents/spec',
  type: 'com.github.push',
  subject: 'main',
  sequence: 42,
  urgent: true,
  empty: null,
  data: { type: 'not-an-attribute' },
};

function passes(filters: unknown[], event: Record<string, unknown> = EVENT): boolean {
  return compileSubscriptionFilters(filters).evaluate(event);
}

test('subscription filters - no filters, or an empty array, pass every event', () => {
  assert.equal(passes([]), true);
});

test('subscription filters - exact, prefix and suffix compare case-sensitively', () => {
  assert.equal(passes([{ exact: { type: 'com.github.push' } }]), true);
  assert.equal(passes([{ exact: { type: 'com.github.PUSH' } }]), false);
  assert.equal(passes([{ prefix: { type: 'com.github.' } }]), true);
  assert.equal(passes([{ prefix: { type: 'com.gitlab.' } }]), false);
  assert.equal(passes([{ suffix: { source: '/spec' } }]), true);
  assert.equal(passes([{ suffix: { source: '/Spec' } }]), false);
});

test('subscription filters - every attribute named in one filter must hold', () => {
  assert.equal(passes([{ exact: { type: 'com.github.push', subject: 'main' } }]), true);
  assert.equal(passes([{ exact: { type: 'com.github.push', subject: 'dev' } }]), false);
});

test('subscription filters - a missing or null attribute never passes; data is not an attribute', () => {
  assert.equal(passes([{ prefix: { missing: 'x' } }]), false);
  assert.equal(passes([{ exact: { empty: 'null' } }]), false);
  assert.equal(passes([{ not: { prefix: { missing: 'x' } } }]), true);
});

test('subscription filters - Integer and Boolean attributes are compared in their canonical String form', () => {
  assert.equal(passes([{ exact: { sequence: '42' } }]), true);
  assert.equal(passes([{ prefix: { sequence: '4' } }]), true);
  assert.equal(passes([{ exact: { urgent: 'true' } }]), true);
  assert.equal(passes([{ exact: { urgent: 'TRUE' } }]), false);
});

test('subscription filters - all, any and not combine, and the top-level array is an all', () => {
  const push = { exact: { type: 'com.github.push' } };
  const dev = { exact: { subject: 'dev' } };
  assert.equal(passes([{ all: [push, dev] }]), false);
  assert.equal(passes([{ any: [push, dev] }]), true);
  assert.equal(passes([{ not: dev }]), true);
  assert.equal(passes([push, dev]), false);
  assert.equal(passes([push, { not: dev }]), true);
});

test('subscription filters - sql passes when the value coerced to Boolean is true and nothing errored', () => {
  assert.equal(passes([{ sql: "source LIKE '%cloudevents%'" }]), true);
  assert.equal(passes([{ sql: 'sequence > 40 AND urgent' }]), true);
  assert.equal(passes([{ sql: "'TRUE'" }]), true, "the String 'TRUE' coerces to true");
  assert.equal(passes([{ sql: 'sequence' }]), true, 'a non-zero Integer coerces to true');
  assert.equal(passes([{ sql: "'yes'" }]), false, 'a value that cannot be coerced fails');
  assert.equal(passes([{ sql: 'missing = 1 OR TRUE' }]), false, 'an error fails the filter');
  assert.equal(passes([{ not: { sql: 'missing = 1' } }]), true, 'not inverts the failed filter');
});

test('subscription filters - attributes lists what the filters read', () => {
  const set = compileSubscriptionFilters([{ exact: { type: 'x' } }, { any: [{ suffix: { source: 'y' } }, { sql: 'EXISTS subject AND type <> id' }] }]);
  assert.deepEqual(set.attributes, ['id', 'source', 'subject', 'type']);
});

/** Escapes a value for use inside a CESQL LIKE pattern literal: the LIKE escapes, then the string ones. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

test('property - exact, prefix and suffix agree with their CESQL recreations (TCK "SubscriptionsAPI Recreations")', () => {
  const value = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', '%', '_', '\\', "'", '😀') });
  fc.assert(
    fc.property(value, fc.option(fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', '%', '_', '\\', "'", '😀') })), (expected, actual) => {
      const event: Record<string, unknown> = { specversion: '1.0', id: '1', source: '/s', type: 't' };
      if (actual !== null) event['myext'] = actual;
      const lit = likeLiteral(expected);
      assert.equal(passes([{ exact: { myext: expected } }], event), passes([{ sql: `myext LIKE '${lit}'` }], event));
      assert.equal(passes([{ prefix: { myext: expected } }], event), passes([{ sql: `myext LIKE '${lit}%'` }], event));
      assert.equal(passes([{ suffix: { myext: expected } }], event), passes([{ sql: `myext LIKE '%${lit}'` }], event));
    }),
    { numRuns: 1000 },
  );
});
