import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSwitchyardError } from '../core/index.js';
import { RuleMatcher } from './matcher.js';
import { testPattern } from './test-pattern.js';

const ce = {
  specversion: '1.0', id: 'e1', source: 'shop', type: 'Order Placed', time: '2026-01-02T03:04:05Z',
  awsaccount: '123456789012', awsregion: 'eu-west-1', awsresources: '["arn:a","arn:b"]',
  datacontenttype: 'application/json', data: { total: 250, items: [{ sku: 'x' }] },
};

function matches(pattern: unknown, event: unknown = ce): boolean {
  const m = new RuleMatcher();
  m.add('r', { pattern, envelope: 'aws' });
  const viaText = m.matchText(JSON.stringify(event)).length === 1;
  assert.equal(m.match(event).length === 1, viaText, 'parsed and text paths agree');
  return viaText;
}

test('aws envelope - an AWS pattern reads detail-type, detail, account, region, time, resources and id', () => {
  assert.ok(matches({ 'detail-type': ['Order Placed'], source: ['shop'], detail: { total: [{ numeric: ['>', 100] }], items: { sku: ['x'] } } }));
  assert.ok(matches({ account: ['123456789012'], region: [{ prefix: 'eu-' }], id: ['e1'], time: [{ prefix: '2026-01-02' }], version: ['0'] }));
  assert.ok(matches({ resources: ['arn:b'] }), 'any element of resources');
  assert.ok(!matches({ resources: ['arn:c'] }));
  assert.ok(!matches({ detail: { total: [{ numeric: ['<', 100] }] } }));
  // The CloudEvent's own names are not AWS fields.
  assert.ok(!matches({ type: ['Order Placed'] }));
  assert.ok(!matches({ data: { total: [250] } }));
});

test('aws envelope - a CloudEvent without the AWS extensions has no account or region and empty resources', () => {
  const plain = { specversion: '1.0', id: 'p', source: 's', type: 't' };
  assert.ok(matches({ account: [{ exists: false }], region: [{ exists: false }] }, plain));
  assert.ok(!matches({ resources: [{ exists: true }] }, plain));
  assert.ok(matches({ 'detail-type': ['t'] }, { ...plain, awsresources: 'not json' }), 'unreadable resources read as none');
});

test('aws envelope - testPattern explains a mismatch on the AWS path', () => {
  const r = testPattern({ pattern: { detail: { total: [1] } }, envelope: 'aws' }, { event: ce });
  assert.deepEqual(r, { match: false, reason: { path: 'detail.total', operator: 'exact', expected: [1], actual: 250 } });
});

test('aws envelope - envelope is refused with anything but a pattern, or with another value', () => {
  for (const f of [{ sql: 'true', envelope: 'aws' }, { pattern: {}, envelope: 'gcp' }, { filters: [], envelope: 'aws' }]) {
    assert.throws(() => new RuleMatcher().add('r', f), (e) => isSwitchyardError(e) && e.code === 'SWY_RULES_INVALID_FILTER' && e.violations[0]?.path === '/envelope');
  }
});
