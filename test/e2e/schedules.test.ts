// Schedules through the API and the CLI of a real server on a manual clock: create, next fire
// times, a fire put on the bus and found by its derived id, pause/resume, delete, and hostile input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { startTestServer, type TestServer } from './harness.js';
import { runCli } from './_cli-in-process.js';

let t: TestServer;
const clock = new ManualClock(Date.parse('2026-10-24T12:00:00Z'));

before(async () => {
  t = await startTestServer({}, { clock });
});
after(async () => {
  await t.close();
});

const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
  const res = await fetch(`${t.url}${path}`, {
    method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : JSON.parse(text) as Record<string, unknown> };
};

const base = { bus: 'default', expression: '30 2 * * *', timezone: 'Europe/Berlin', event: { type: 'report.due', source: '/reports', data: { kind: 'daily' } } };

test('schedules api - put, get with the next 5 fire times across the fall-back day, a fire found by its id, delete', async () => {
  const created = await call('PUT', '/v1/schedules/daily', base);
  assert.equal(created.status, 201);
  assert.deepEqual(created.json['nextFires'], [
    '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z', '2026-10-28T01:30:00.000Z', '2026-10-29T01:30:00.000Z',
  ]);
  assert.deepEqual([created.json['catchUp'], created.json['maxCatchUp'], created.json['flexibleWindowMs'], created.json['state']], ['none', 10, 0, 'enabled']);
  assert.equal((await call('PUT', '/v1/schedules/daily', { ...base, description: 'again' })).status, 200);
  clock.set(Date.parse('2026-10-25T00:30:00Z'));
  await t.server.scheduler?.runDue();
  const id = 'schedule:daily:2026-10-25T00:30:00.000Z';
  const stored = await call('GET', `/v1/buses/default/events/${encodeURIComponent(id)}`);
  assert.equal(stored.status, 200);
  assert.deepEqual(stored.json['event'], { specversion: '1.0', id, source: '/reports', type: 'report.due', time: '2026-10-25T00:30:00.000Z', datacontenttype: 'application/json', data: { kind: 'daily' } });
  const got = await call('GET', '/v1/schedules/daily');
  assert.equal((got.json['nextFires'] as string[])[0], '2026-10-26T01:30:00.000Z');
  assert.deepEqual(got.json['status'], { cursor: '2026-10-25T00:30:00.000Z', lastFireAt: '2026-10-25T00:30:00.000Z', lastError: null, fired: 1, skipped: 0 });
  assert.equal((await call('GET', '/v1/schedules')).json['items'] instanceof Array, true);
  assert.equal((await call('DELETE', '/v1/schedules/daily')).status, 204);
  assert.equal((await call('GET', '/v1/schedules/daily')).json['code'], 'SWY_SCHEDULE_NOT_FOUND');
  assert.equal((await call('DELETE', '/v1/schedules/daily')).status, 404);
});

test('schedules api - hostile input: one violation per problem, nothing stored', async () => {
  const bad = async (body: unknown, code = 'SWY_SCHEDULE_INVALID'): Promise<{ path: string; reason: string }[]> => {
    const r = await call('PUT', '/v1/schedules/bad', body);
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json['code'], code, JSON.stringify(r.json));
    return r.json['violations'] as { path: string; reason: string }[];
  };
  assert.deepEqual((await bad({ ...base, expression: 'rate(0 minutes)' })).map((v) => v.path), ['/expression']);
  assert.deepEqual((await bad({ ...base, expression: '0 0 31 2 *' })).map((v) => v.reason), ['never fires (no date matches every field)']);
  assert.deepEqual((await bad({ ...base, expression: '99 * * * *', timezone: 'Mars/Olympus' })).map((v) => v.path), ['/timezone', '/expression']);
  assert.deepEqual((await bad({ ...base, expression: 'at(2030-01-01 09:00)' })).map((v) => v.path), ['/expression']);
  assert.deepEqual((await bad({ ...base, start: '2030-01-02T00:00:00Z', end: '2030-01-01T00:00:00Z' })).map((v) => v.path), ['/end']);
  assert.deepEqual((await bad({ ...base, bus: 'nope' })).map((v) => v.path), ['/bus']);
  assert.deepEqual((await bad({ ...base, bus: 'switchyard.system' })).map((v) => v.path), ['/bus']);
  assert.deepEqual((await bad({ ...base, event: { type: 't', source: 's', data: 'x'.repeat(300 * 1024) } })).map((v) => v.path), ['/event']);
  assert.equal((await bad({ ...base, catchUp: 'everything' }, 'SWY_API_VALIDATION')).length > 0, true);
  assert.equal((await bad({ ...base, maxCatchUp: 1_000_000 }, 'SWY_API_VALIDATION')).length > 0, true);
  assert.equal((await bad({ ...base, flexibleWindowMs: -1 }, 'SWY_API_VALIDATION')).length > 0, true);
  assert.equal((await bad({ bus: 'default' }, 'SWY_API_VALIDATION')).length > 0, true);
  assert.equal((await call('GET', '/v1/schedules/bad')).status, 404);
  // A far-future at() is accepted; it shows its one fire and never fires now.
  const far = await call('PUT', '/v1/schedules/far', { ...base, expression: 'at(9999-12-31T23:59:59Z)' });
  assert.equal(far.status, 201);
  assert.deepEqual(far.json['nextFires'], ['9999-12-31T23:59:59.000Z']);
  await call('DELETE', '/v1/schedules/far');
});

test('schedules cli - put from flags, list, pause, resume, get, delete', async () => {
  const put = await runCli(t.url, ['schedules', 'put', 'tick', '--bus', 'default', '--expression', 'rate(5 minutes)', '--type', 'tick', '--source', '/cli', '--data', '{"n":1}', '--catch-up', 'latest']);
  assert.equal(put.code, 0, put.err);
  assert.match(put.out, /created schedule tick \(rate\(5 minutes\), UTC\); next fire /);
  const list = await runCli(t.url, ['schedules', 'list']);
  assert.match(list.out, /tick\s.*default\s.*rate\(5 minutes\)\s.*enabled/);
  assert.match((await runCli(t.url, ['schedules', 'pause', 'tick'])).out, /paused schedule tick/);
  assert.deepEqual(JSON.parse((await runCli(t.url, ['schedules', 'get', 'tick'])).out).nextFires, []);
  assert.match((await runCli(t.url, ['schedules', 'resume', 'tick'])).out, /resumed schedule tick/);
  const got = JSON.parse((await runCli(t.url, ['schedules', 'get', 'tick'])).out) as { state: string; catchUp: string; event: unknown; nextFires: string[] };
  assert.deepEqual([got.state, got.catchUp, got.event, got.nextFires.length], ['enabled', 'latest', { type: 'tick', source: '/cli', data: { n: 1 } }, 5]);
  const refused = await runCli(t.url, ['schedules', 'put', 'bad', '--bus', 'default', '--expression', 'rate(0 minutes)', '--type', 't', '--source', 's']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /SWY_SCHEDULE_INVALID|rate must be at least 1/);
  assert.notEqual((await runCli(t.url, ['schedules', 'put', 'x', '--bus', 'default'])).code, 0);
  assert.match((await runCli(t.url, ['schedules', 'delete', 'tick'])).out, /deleted schedule tick/);
});
