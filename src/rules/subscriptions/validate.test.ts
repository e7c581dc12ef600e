import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SUBSCRIPTION_FILTER_DEPTH, validateSubscriptionFilters } from './validate.js';
import { isSwitchyardError, type Violation } from '../../core/index.js';

function violations(input: unknown, path?: string): Violation[] {
  try {
    validateSubscriptionFilters(input, path === undefined ? {} : { path });
  } catch (e) {
    assert.ok(isSwitchyardError(e) && e.code === 'SWY_RULES_SUBSCRIPTION_FILTER_INVALID', String(e));
    return [...e.violations];
  }
  assert.fail('expected SWY_RULES_SUBSCRIPTION_FILTER_INVALID');
}

function paths(input: unknown): string[] {
  return violations(input).map((v) => v.path);
}

test('subscription filters - the spec examples are valid', () => {
  const filters = validateSubscriptionFilters([
    { exact: { type: 'com.github.push', subject: 'https://github.com/cloudevents/spec' } },
    { prefix: { type: 'com.github.', subject: 'https://github.com/cloudevents' } },
    { suffix: { type: '.created', subject: '/cloudevents/spec' } },
    { all: [{ exact: { type: 'com.github.push' } }, { exact: { subject: 'https://github.com/cloudevents/spec' } }] },
    { any: [{ exact: { type: 'com.github.push' } }, { exact: { subject: 'https://github.com/cloudevents/spec' } }] },
    { not: { exact: { type: 'com.github.push' } } },
    { sql: "source LIKE '%cloudevents%'" },
  ]);
  assert.deepEqual(filters.map((f) => f.dialect), ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'sql']);
  assert.deepEqual(validateSubscriptionFilters([]), []);
});

test('subscription filters - filters must be an array of one-dialect objects', () => {
  assert.deepEqual(paths({ exact: { type: 'x' } }), ['']);
  assert.deepEqual(paths(['x', null, [], {}, { exact: { type: 'a' }, prefix: { type: 'b' } }]), ['/0', '/1', '/2', '/3', '/4']);
  assert.match(violations([{ exact: { type: 'a' }, prefix: { type: 'b' } }])[0]?.reason ?? '', /exactly one dialect, found 'exact', 'prefix'/);
});

test('subscription filters - an unknown dialect is rejected, naming the supported ones', () => {
  const [v] = violations([{ regex: { type: '.*' } }]);
  assert.deepEqual(v, { path: '/0/regex', reason: "unsupported filter dialect 'regex' (supported: exact, prefix, suffix, all, any, not, sql, and cesql as an alias of sql)" });
});

test('subscription filters - exact/prefix/suffix need non-empty attribute names and string values', () => {
  assert.deepEqual(paths([{ exact: {} }]), ['/0/exact']);
  assert.deepEqual(paths([{ prefix: 'type' }]), ['/0/prefix']);
  assert.deepEqual(
    paths([{ suffix: { '': 'x', Type: 'y', data: 'z', 'a/b': 'w', type: '', subject: 5, source: null } }]),
    ['/0/suffix/', '/0/suffix/Type', '/0/suffix/data', '/0/suffix/a~1b', '/0/suffix/type', '/0/suffix/subject', '/0/suffix/source'],
  );
});

test('subscription filters - all/any need a non-empty array; not needs one filter; nested paths point inside', () => {
  assert.deepEqual(paths([{ all: [] }, { any: {} }, { not: [{ exact: { type: 'x' } }] }]), ['/0/all', '/1/any', '/2/not']);
  assert.deepEqual(paths([{ all: [{ exact: { type: 'x' } }, { not: { any: [{ prefix: { type: '' } }] } }] }]), ['/0/all/1/not/any/0/prefix/type']);
});

test('subscription filters - sql must parse and call only known functions', () => {
  const [parse] = violations([{ sql: 'type = ' }]);
  assert.equal(parse?.path, '/0/sql');
  assert.equal(parse?.code, 'SWY_RULES_CESQL_PARSE');
  assert.match(parse?.reason ?? '', /unexpected end of expression at offset 7/);
  assert.deepEqual(violations([{ sql: "NOPE(type) OR type = 'x'" }]), [{ path: '/0/sql', reason: 'no function NOPE takes 1 argument(s) at offset 0' }]);
  assert.deepEqual(paths([{ sql: 42 }]), ['/0/sql']);
});

test('subscription filters - every problem is reported, under the caller path', () => {
  const vs = violations([{ exact: { type: '' } }, { bogus: 1 }, { sql: '((' }], '/filter/filters');
  assert.deepEqual(vs.map((v) => v.path), ['/filter/filters/0/exact/type', '/filter/filters/1/bogus', '/filter/filters/2/sql']);
});

test('subscription filters - nesting deeper than the limit is a violation naming it, not a stack overflow', () => {
  const nest = (levels: number): unknown => {
    let f: unknown = { exact: { type: 'x' } };
    for (let i = 1; i < levels; i++) f = i % 3 === 0 ? { not: f } : { [i % 2 === 0 ? 'all' : 'any']: [f] };
    return f;
  };
  assert.equal(validateSubscriptionFilters([nest(MAX_SUBSCRIPTION_FILTER_DEPTH)]).length, 1);
  const v = violations([nest(MAX_SUBSCRIPTION_FILTER_DEPTH + 1)]);
  assert.equal(v.length, 1);
  assert.match(v[0]!.reason, new RegExp(`nested deeper than ${MAX_SUBSCRIPTION_FILTER_DEPTH} levels`));
  assert.equal(v[0]!.path.split('/').filter((s) => s === 'all' || s === 'any' || s === 'not').length, MAX_SUBSCRIPTION_FILTER_DEPTH);
  const deep = violations([nest(2000)]);
  assert.equal(deep.length, 1);
  assert.match(deep[0]!.reason, /nested deeper than/);
});
