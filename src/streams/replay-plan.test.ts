import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuleRecord, RuleView, StoredEvent } from '../store/index.js';
import { MAX_STEP_DELIVERIES, ReplayPlan, markReplayed } from './replay-plan.js';

const rule = (name: string, targets: number, extra: Partial<RuleRecord> = {}): RuleRecord => ({
  bus: 'b', name, description: null, state: 'enabled', filter: { pattern: { type: ['t'] } },
  targets: Array.from({ length: targets }, (_, i) => ({ id: `t${i}`, kind: 'log' })) as RuleRecord['targets'], createdAt: 0, updatedAt: 0, ...extra,
});

const view = (rules: RuleRecord[]): RuleView => ({
  rule: (bus, name) => rules.find((r) => r.bus === bus && r.name === name),
  rules: (bus) => rules.filter((r) => bus === undefined || r.bus === bus),
  watch: () => () => undefined,
});

const event = (seq: number, extra: Record<string, unknown> = {}): StoredEvent => {
  const body = JSON.stringify({ specversion: '1.0', id: `e${seq}`, source: 's', type: 't', ...extra });
  return { bus: 'b', sequence: seq, receivedAt: 0, id: `e${seq}`, source: 's', type: 't', subject: null, time: null, mode: 'structured', size: body.length, matchedRules: [], body };
};

test('replay plan - marks the event, keeps its attributes, and replaces an earlier mark', () => {
  const once = JSON.parse(markReplayed('{"id":"1","data":{"swyreplay":1}}', 'r1')) as Record<string, unknown>;
  assert.deepEqual(once, { swyreplay: 'r1', id: '1', data: { swyreplay: 1 } });
  const twice = JSON.parse(markReplayed(markReplayed('{"id":"1"}', 'r1'), 'r2')) as Record<string, unknown>;
  assert.deepEqual(twice, { swyreplay: 'r2', id: '1' });
});

test('replay plan - the pattern and the rule filter both apply; a named target narrows the targets', () => {
  const plan = new ReplayPlan({ id: 'j', bus: 'b', pattern: { subject: ['keep'] }, destination: { rule: 'r', target: 't1' } }, view([rule('r', 3)]));
  const step = plan.step([event(1, { subject: 'keep' }), event(2, { subject: 'drop' }), event(3, { subject: 'keep', type: 'other' })]);
  assert.equal(step.consumed, 3);
  assert.equal(step.matched, 1);
  assert.deepEqual(step.deliveries.map((d) => [d.seq, d.rule, d.target]), [[1, 'r', 't1']]);
});

test('replay plan - a step stops once it has the most deliveries allowed, after at least one event', () => {
  const rules = Array.from({ length: 100 }, (_, i) => rule(`r${i}`, 10));
  const plan = new ReplayPlan({ id: 'j', bus: 'b', pattern: null, destination: { bus: 'b' } }, view(rules));
  const step = plan.step(Array.from({ length: 50 }, (_, i) => event(i + 1)));
  assert.equal(step.deliveries.length, MAX_STEP_DELIVERIES);
  assert.equal(step.consumed, MAX_STEP_DELIVERIES / 1000);
  const huge = new ReplayPlan({ id: 'j', bus: 'b', pattern: null, destination: { bus: 'b' } }, view(Array.from({ length: 1100 }, (_, i) => rule(`r${i}`, 10))));
  assert.equal(huge.step([event(1), event(2)]).consumed, 1, 'one event even past the cap');
});

test('replay plan - a missing or disabled rule, or a missing target, is SWY_REPLAY_INVALID', () => {
  const code = (f: () => unknown): string | undefined => { try { f(); } catch (e) { return (e as { code?: string }).code; } return undefined; };
  assert.equal(code(() => new ReplayPlan({ id: 'j', bus: 'b', pattern: null, destination: { rule: 'x' } }, view([]))), 'SWY_REPLAY_INVALID');
  assert.equal(code(() => new ReplayPlan({ id: 'j', bus: 'b', pattern: null, destination: { rule: 'r' } }, view([rule('r', 1, { state: 'disabled' })]))), 'SWY_REPLAY_INVALID');
  assert.equal(code(() => new ReplayPlan({ id: 'j', bus: 'b', pattern: null, destination: { rule: 'r', target: 'zz' } }, view([rule('r', 1)]))), 'SWY_REPLAY_INVALID');
});
