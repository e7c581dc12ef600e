// The system bus is written by Switchyard only: producers (whatever their key's scope) cannot put
// events on `switchyard.system` by any ingest route, and no bus target may forward there, so the
// events that alert rules route cannot be spoofed. Switchyard's own events still arrive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BATCH, STRUCTURED, assertProblem, call, ce, listAll, until, type Answer } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';

describe('system bus e2e', () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  const PUT = 'put-key-0123456789abcdef00';
  const bearer = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ auth: { apiKeys: { [ADMIN]: ['admin'], [PUT]: ['put'] } } });
  });
  after(() => s.close());

  const spoof = (id: string): Record<string, unknown> => ce(id, { source: '/switchyard', type: 'switchyard.delivery.dead-lettered', subject: 'buses/default/rules/r/targets/t', data: { count: 1 } });
  const systemIds = async (): Promise<unknown[]> => (await listAll(s.url, 'switchyard.system', '', bearer(ADMIN))).map((e) => e.event['id']);

  test('system bus - binary, structured and batch puts are refused with 403 SWY_INGEST_SYSTEM_BUS, for any key', async () => {
    for (const key of [PUT, ADMIN]) {
      const binary = await call(s.url, '/v1/buses/switchyard.system/events', {
        body: '{"count":1}',
        headers: { ...bearer(key), 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'b-1', 'ce-source': '/switchyard', 'ce-type': 'switchyard.delivery.dead-lettered' },
      });
      assertProblem(binary, 403, 'SWY_INGEST_SYSTEM_BUS');
      assertProblem(await call(s.url, '/v1/buses/switchyard.system/events', { body: JSON.stringify(spoof('s-1')), headers: { ...bearer(key), 'content-type': STRUCTURED } }), 403, 'SWY_INGEST_SYSTEM_BUS');
      assertProblem(await call(s.url, '/v1/buses/switchyard.system/events', { body: JSON.stringify([spoof('t-1'), spoof('t-2')]), headers: { ...bearer(key), 'content-type': BATCH } }), 403, 'SWY_INGEST_SYSTEM_BUS');
      // Even a body that does not decode gets the 403: the bus decides first.
      assertProblem(await call(s.url, '/v1/buses/switchyard.system/events', { body: 'nope', headers: { ...bearer(key), 'content-type': STRUCTURED } }), 403, 'SWY_INGEST_SYSTEM_BUS');
    }
    assert.deepEqual((await systemIds()).filter((id) => ['b-1', 's-1', 't-1', 't-2'].includes(id as string)), []);
  });

  test('system bus - a PutEvents entry for it fails alone with SWY_INGEST_SYSTEM_BUS', async () => {
    const a = await call<{ failedCount: number; results: ({ id: string; source: string; sequence: number } | { error: { code: string; message: string } })[] }>(s.url, '/v1/events', {
      json: { entries: [{ bus: 'switchyard.system', ...spoof('p-1') }, ce('p-2')] },
      headers: bearer(PUT),
    });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.failedCount, 1);
    const first = a.json.results[0]!;
    assert.ok('error' in first, a.text);
    assert.equal(first.error.code, 'SWY_INGEST_SYSTEM_BUS');
    const second = a.json.results[1]!;
    assert.ok('id' in second && second.id === 'p-2', a.text);
    assert.ok(!(await systemIds()).includes('p-1'));
  });

  test('system bus - a bus target (or dead-letter target) pointing at it is refused when the rule is saved', async () => {
    const rule = (targets: unknown[]): Promise<Answer> =>
      call(s.url, '/v1/buses/default/rules/fwd', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } }, targets }, headers: bearer(ADMIN) });
    const p = assertProblem(await rule([{ id: 'sys', kind: 'bus', bus: 'switchyard.system' }]), 400, 'SWY_API_INVALID_TARGETS');
    assert.deepEqual(p.violations?.map((v) => v.path), ['/targets/0/bus']);
    const d = assertProblem(await rule([{ id: 'log', kind: 'log', deadLetter: { kind: 'bus', bus: 'switchyard.system' } }]), 400, 'SWY_API_INVALID_TARGETS');
    assert.deepEqual(d.violations?.map((v) => v.path), ['/targets/0/deadLetter/bus']);
  });

  test('system bus - Switchyard\'s own events are still put on it', async () => {
    const a = await call(s.url, '/v1/buses/default/rules/audit', { method: 'PUT', json: { filter: { pattern: { type: ['x'] } } }, headers: bearer(ADMIN) });
    assert.equal(a.status, 201, a.text);
    await until('the rule.created system event', async () =>
      (await listAll(s.url, 'switchyard.system', 'type=switchyard.rule.created', bearer(ADMIN))).some((e) => e.event['subject'] === 'buses/default/rules/audit'));
  });
});
