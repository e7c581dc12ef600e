import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuleRecord } from '../../store/index.js';
import { parseRuleTargets, ruleTargets, targetSpecOf } from './rule-target.js';

const rule = (targets: readonly unknown[]): RuleRecord => ({ bus: 'b', name: 'r', description: null, state: 'enabled', filter: {}, targets: targets as RuleRecord['targets'], createdAt: 0, updatedAt: 0 });

test('rule targets - parsed once when saved: valid targets come back typed by kind, invalid ones as violations', () => {
  const raw = [{ id: 'a', kind: 'bus', bus: 'audit' }, { id: 'h', kind: 'http', url: 'https://x.example', deadLetter: { kind: 'file', path: 'dead.jsonl' } }];
  const parsed = parseRuleTargets(raw);
  assert.ok(parsed.ok);
  const kinds = parsed.targets.map((t) => (t.kind === 'bus' ? `bus→${t.bus}` : t.kind === 'http' ? `http→${t.url}` : t.kind));
  assert.deepEqual(kinds, ['bus→audit', 'http→https://x.example']);
  const bad = parseRuleTargets([{ id: 'a', kind: 'bus' }]);
  assert.deepEqual(!bad.ok && bad.violations, [{ path: '/targets/0/bus', reason: 'must be a bus name' }]);
  assert.equal(parseRuleTargets({}).ok, false);
});

test('rule targets - a delivery key finds its target or its dead-letter target, or says why it is gone', () => {
  const r = rule([{ id: 'h', kind: 'http', url: 'https://x.example', deadLetter: { kind: 'log' } }, { id: 'l', kind: 'log' }]);
  assert.deepEqual(ruleTargets(r).map((t) => t.id), ['h', 'l']);
  assert.deepEqual(targetSpecOf(r, 'h'), { type: 'found', spec: ruleTargets(r)[0] });
  assert.deepEqual(targetSpecOf(r, 'h#dead-letter'), { type: 'found', spec: { kind: 'log' } });
  assert.deepEqual(targetSpecOf(r, 'l#dead-letter'), { type: 'gone', reason: 'target "l" no longer has a dead-letter target' });
  assert.deepEqual(targetSpecOf(r, 'x'), { type: 'gone', reason: 'target "x" was removed from the rule' });
});
