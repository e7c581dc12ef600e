import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeEvent, type CloudEvent } from '../events/index.js';
import { SYSTEM_BUS, SYSTEM_EVENT_TYPES, SystemEvents, type SystemPublisher } from './system-events.js';

function rig(answer: (events: readonly CloudEvent[]) => Promise<{ refused: readonly string[] }> = async () => ({ refused: [] })): { sys: SystemEvents; put: CloudEvent[]; errors: unknown[] } {
  const put: CloudEvent[] = [];
  const errors: unknown[] = [];
  const publisher: SystemPublisher = {
    publish: (events) => {
      put.push(...events);
      return answer(events);
    },
  };
  return { sys: new SystemEvents({ publisher, onError: (e) => errors.push(e), now: () => Date.UTC(2026, 0, 2, 3, 4, 5) }), put, errors };
}

test('system events - each is a CloudEvent handed to the publisher (the domain put), JSON data, time from the clock', async () => {
  const { sys, put, errors } = rig();
  sys.ruleChanged('created', 'orders', 'r1', { targets: 2 });
  sys.deadLettered({ bus: 'orders', rule: 'r1', target: 'hook' }, { id: 'e-1', sequence: 7 }, 1, 'HTTP 400');
  await sys.settle();
  assert.deepEqual(errors, []);
  assert.deepEqual(put.map((e) => [e.type, e.subject, e.source, e.time, e.datacontenttype]), [
    [SYSTEM_EVENT_TYPES.ruleCreated, 'buses/orders/rules/r1', '/switchyard', '2026-01-02T03:04:05.000Z', 'application/json'],
    [SYSTEM_EVENT_TYPES.deadLettered, 'buses/orders/rules/r1/targets/hook', '/switchyard', '2026-01-02T03:04:05.000Z', 'application/json'],
  ]);
  assert.match(serializeEvent(put[0]!), /"data":\{"bus":"orders","rule":"r1","targets":2\}\}$/);
  assert.deepEqual(put[1]!.data.kind === 'json' && put[1]!.data.value, { bus: 'orders', rule: 'r1', target: 'hook', eventId: 'e-1', sequence: 7, count: 1, reason: 'HTTP 400' });
});

test('system events - a refused or failed publish is reported through onError, never thrown', async () => {
  const refused = rig(async () => ({ refused: ['SWY_STORE_BUS_NOT_FOUND: bus "switchyard.system" does not exist'] }));
  refused.sys.ruleChanged('deleted', 'orders', 'r1');
  await refused.sys.settle();
  assert.match(String(refused.errors[0]), /switchyard\.rule\.deleted was refused: SWY_STORE_BUS_NOT_FOUND/);
  const failed = rig(() => Promise.reject(new Error('store failed')));
  failed.sys.circuit({ bus: 'orders', rule: 'r1', target: 'hook' }, 'opened');
  await failed.sys.settle();
  assert.equal((failed.errors[0] as Error).message, 'store failed');
});

test('system events - delivery events about targets of rules on the system bus are not published (loop guard)', async () => {
  const { sys, put } = rig();
  const t = { bus: SYSTEM_BUS, rule: 'alerts', target: 'slack' };
  sys.deadLettered(t, undefined, 3, 'gone');
  sys.targetDisabled(t, 'failing');
  sys.circuit(t, 'opened');
  await sys.settle();
  assert.deepEqual(put, []);
});
