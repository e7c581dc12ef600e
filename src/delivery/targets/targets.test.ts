import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SwitchyardError } from '../../core/index.js';
import { createEvent } from '../../events/index.js';
import { contractMessage } from '../targets.contract.js';
import { createTarget, validateTargetSpec, HOPS_EXTENSION, MAX_HOPS, PATH_EXTENSION } from './index.js';
import { storeBusPublisher, testWorld } from './test-deps.contract.js';

const world = testWorld();
after(() => world.close());
const never = new AbortController().signal;

test('validateTargetSpec - an unknown kind is one violation at /kind', () => {
  assert.deepEqual(validateTargetSpec({ id: 'a', kind: 'pigeon' }, '/targets/0'), [{ path: '/targets/0/kind', reason: 'must be one of http, bus, log, file, nats, amqp, redis, mqtt, postgres, smtp, s3, queue' }]);
  assert.deepEqual(validateTargetSpec('x', '/t'), [{ path: '/t', reason: 'must be an object' }]);
});

test('validateTargetSpec - http reports one violation per bad field', async () => {
  const v = validateTargetSpec({
    id: 'a', kind: 'http', url: 'ftp://user:pw@x/', method: 'GET', mode: 'weird', batchFormat: 'xml', timeoutMs: 60_001,
    headers: { 'Content-Type': 'text/plain', 'bad name': 'x', 'X-Ok': 'a\r\nb', 'webhook-id': 'x' }, connection: '../x',
  }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), [
    '/batchFormat', '/connection', '/headers/Content-Type', '/headers/X-Ok', '/headers/bad name', '/headers/webhook-id',
    '/method', '/mode', '/timeoutMs', '/url', '/url',
  ]);
  assert.deepEqual(validateTargetSpec({ id: 'a', kind: 'http', url: 'https://example.com/hook', timeoutMs: 60_000, retry: { anything: true } }, ''), []);
});

test('validateTargetSpec - bus, log and file fields', async () => {
  assert.deepEqual(validateTargetSpec({ kind: 'bus' }, ''), [{ path: '/bus', reason: 'must be a bus name' }]);
  assert.deepEqual(validateTargetSpec({ kind: 'log', level: 'loud' }, '').map((v) => v.path), ['/level']);
  for (const p of ['/etc/passwd', '../up.jsonl', 'a/../../b', 'dir/', '']) {
    assert.equal(validateTargetSpec({ kind: 'file', path: p }, '').length, 1, p);
  }
  assert.deepEqual(validateTargetSpec({ kind: 'file', path: 'a/b.jsonl', fsync: 'yes' }, '').map((v) => v.path), ['/fsync']);
  assert.deepEqual(validateTargetSpec({ kind: 'file', path: 'a/b..c.jsonl' }, ''), []);
});

test('validateTargetSpec - a file path must name a file within the file system\'s name limits', async () => {
  for (const p of ['.', './', 'a/.', 'logs/./', 'a/'.repeat(600) + 'x', `${'é'.repeat(128)}.jsonl`, `d/${'x'.repeat(256)}/f`]) {
    assert.deepEqual(validateTargetSpec({ kind: 'file', path: p }, '/targets/0').map((v) => v.path), ['/targets/0/path'], p.slice(0, 40));
  }
  for (const p of ['./x.jsonl', 'a/./b.jsonl', `${'x'.repeat(255)}`, `${'é'.repeat(126)}.j`]) assert.deepEqual(validateTargetSpec({ kind: 'file', path: p }, ''), [], p.slice(0, 40));
});

test('createTarget - a bad spec throws SWY_DELIVERY_TARGET_INVALID with the violations', async () => {
  assert.throws(() => createTarget({ kind: 'http' }, world.deps()), (e: unknown) => e instanceof SwitchyardError && e.code === 'SWY_DELIVERY_TARGET_INVALID' && e.violations[0]?.path === '/url');
});

test('bus - each hop increments swyhops; beyond the limit the outcome is rejected and nothing is put', async () => {
  const t = createTarget({ kind: 'bus', bus: 'default' }, world.deps());
  const ev = createEvent({ id: 'hop-1', source: 'urn:x', type: 't', extensions: { [HOPS_EXTENSION]: 3 } });
  assert.equal((await t.send([contractMessage({ bus: 'elsewhere', outbound: { type: 'event', event: ev } })], never)).type, 'delivered');
  const stored = (await world.store.events.get('default', 'hop-1'))!;
  assert.equal((JSON.parse(stored.body) as Record<string, unknown>)[HOPS_EXTENSION], 4);

  const looping = createEvent({ id: 'hop-2', source: 'urn:x', type: 't', extensions: { [HOPS_EXTENSION]: MAX_HOPS } });
  const o = await t.send([contractMessage({ bus: 'elsewhere', outbound: { type: 'event', event: looping } })], never);
  assert.equal(o.type === 'failed' && o.errorClass, 'rejected');
  assert.equal((await world.store.events.get('default', 'hop-2')), undefined);
  await t.close();
});

test('bus - a copy is never put back on a bus it has visited: skipped with the reason, the others put', async () => {
  await world.store.catalog.buses.create({ name: 'visit-a', description: null, retention: { maxAgeMs: null, maxCount: null } });
  await world.store.catalog.buses.create({ name: 'visit-b', description: null, retention: { maxAgeMs: null, maxCount: null } });
  const toA = createTarget({ kind: 'bus', bus: 'visit-a' }, world.deps());
  const toB = createTarget({ kind: 'bus', bus: 'visit-b' }, world.deps());
  // From default to visit-a: the path records default.
  const first = createEvent({ id: 'visit-1', source: 'urn:x', type: 't' });
  assert.equal((await toA.send([contractMessage({ bus: 'default', outbound: { type: 'event', event: first } })], never)).type, 'delivered');
  const onA = JSON.parse((await world.store.events.get('visit-a', 'visit-1'))!.body) as Record<string, unknown>;
  assert.deepEqual([onA[HOPS_EXTENSION], onA[PATH_EXTENSION]], [1, 'default']);
  // From visit-a back to default's neighbour visit-b: fine; from visit-b back to visit-a: skipped.
  const again = createEvent({ id: 'visit-1', source: 'urn:x', type: 't', extensions: { [HOPS_EXTENSION]: 2, [PATH_EXTENSION]: 'default,visit-a' } });
  const fresh = createEvent({ id: 'visit-2', source: 'urn:x', type: 't' });
  const o = await toA.send([contractMessage({ bus: 'visit-b', outbound: { type: 'event', event: again } }), contractMessage({ bus: 'visit-b', outbound: { type: 'event', event: fresh } })], never);
  assert.equal(o.type, 'delivered');
  assert.match(o.type === 'delivered' ? o.note ?? '' : '', /event visit-1 was not put on bus "visit-a": it was there already \(swypath default,visit-a,visit-b\)/);
  assert.deepEqual((await world.store.events.list({ bus: 'visit-a', limit: 10 })).items.map((e) => e.id), ['visit-1', 'visit-2']);
  // A bus target never puts an event on the bus it is delivered from.
  const self = await toB.send([contractMessage({ bus: 'visit-b', outbound: { type: 'event', event: createEvent({ id: 'visit-3', source: 'urn:x', type: 't' }) } })], never);
  assert.equal(self.type, 'delivered');
  assert.equal((await world.store.events.get('visit-b', 'visit-3')), undefined);
  await toA.close();
  await toB.close();
});

test('bus - events go to the publisher as events, with the bus, rule and target forwarding them; a refused put is rejected, a failed one io', async () => {
  const publisher = storeBusPublisher(world.store);
  const t = createTarget({ kind: 'bus', bus: 'default' }, world.deps({ busPublisher: publisher }));
  const ev = createEvent({ id: 'fwd-1', source: 'urn:x', type: 't', data: { kind: 'json', text: '{"n":9007199254740993}' } });
  assert.equal((await t.send([contractMessage({ bus: 'orders', rule: 'route', targetId: 'to-default', outbound: { type: 'event', event: ev } })], never)).type, 'delivered');
  assert.deepEqual(publisher.calls, [{ bus: 'default', ids: ['fwd-1'], from: { bus: 'orders', rule: 'route', target: 'to-default' } }]);
  assert.match((await world.store.events.get('default', 'fwd-1'))!.body, /"data":\{"n":9007199254740993\}/, 'the data text is kept byte-exact');
  const missing = createTarget({ kind: 'bus', bus: 'no-such-bus' }, world.deps({ busPublisher: publisher }));
  const refused = await missing.send([contractMessage()], never);
  assert.deepEqual(refused.type === 'failed' && [refused.errorClass, refused.message], ['rejected', 'bus "no-such-bus" does not exist']);
  const broken = createTarget({ kind: 'bus', bus: 'default' }, world.deps({ busPublisher: { publish: () => Promise.reject(new Error('disk full')) } }));
  const failed = await broken.send([contractMessage({ bus: 'orders' })], never);
  assert.deepEqual(failed.type === 'failed' && [failed.errorClass, failed.message], ['io', 'disk full']);
});

test('bus - a raw outbound cannot go on a bus (config failure)', async () => {
  const t = createTarget({ kind: 'bus', bus: 'default' }, world.deps());
  const o = await t.send([contractMessage({ outbound: { type: 'raw', body: 'x', contentType: 'text/plain' } })], never);
  assert.equal(o.type === 'failed' && o.errorClass, 'config');
});

test('log - one pino-style JSON line per message with level, time, delivery fields and the event', async () => {
  const t = createTarget({ kind: 'log', level: 'warn' }, world.deps());
  const before = world.lines.length;
  const m = contractMessage();
  await t.send([m, contractMessage({ outbound: { type: 'raw', body: 'plain', contentType: 'text/plain' } })], never);
  const [a, b] = world.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(a!.level, 40);
  assert.equal(typeof a!.time, 'number');
  assert.equal(a!.msg, 'delivery');
  assert.equal(a!.deliveryId, m.deliveryId);
  assert.equal((a!.event as { id: string }).id, m.eventId);
  assert.equal(b!.body, 'plain');
});

test('file - JSONL: events in JSON format, JSON raw bodies compacted, other bodies as strings', async () => {
  const t = createTarget({ kind: 'file', path: 'mixed.jsonl' }, world.deps());
  const m = contractMessage();
  await t.send([m, contractMessage({ outbound: { type: 'raw', body: '{\n "a": 1\n}', contentType: 'application/json' } }), contractMessage({ outbound: { type: 'raw', body: 'two\nlines', contentType: 'text/plain' } })], never);
  await t.close();
  const lines = readFileSync(path.join(world.dir, 'mixed.jsonl'), 'utf8').split('\n');
  assert.equal(lines.length, 4);
  assert.equal((JSON.parse(lines[0]!) as { id: string }).id, m.eventId);
  assert.equal(lines[1], '{"a":1}');
  assert.equal(JSON.parse(lines[2]!), 'two\nlines');
});

test('file - a symlink planted at the file is not followed', async () => {
  mkdirSync(path.join(world.dir, 'trap'), { recursive: true });
  symlinkSync('/tmp/swy-should-not-exist.jsonl', path.join(world.dir, 'trap', 'x.jsonl'));
  const t = createTarget({ kind: 'file', path: 'trap/x.jsonl' }, world.deps());
  const o = await t.send([contractMessage()], never);
  await t.close();
  assert.equal(o.type === 'failed' && o.errorClass, 'blocked');
  assert.ok(!existsSync('/tmp/swy-should-not-exist.jsonl'));
});

test('file - a symlinked directory on the path is refused (blocked, not retried); nothing is written outside', async () => {
  const outside = mkdtempSync(path.join(tmpdir(), 'swy-outside-'));
  try {
    symlinkSync(outside, path.join(world.dir, 'linked'));
    mkdirSync(path.join(world.dir, 'real'));
    symlinkSync(outside, path.join(world.dir, 'real', 'deeper'));
    for (const p of ['linked/x.jsonl', 'linked/new/x.jsonl', 'real/deeper/x.jsonl', './linked/x.jsonl']) {
      const t = createTarget({ kind: 'file', path: p }, world.deps());
      const o = await t.send([contractMessage()], never);
      await t.close();
      assert.equal(o.type, 'failed', p);
      assert.equal(o.type === 'failed' && o.errorClass, 'blocked', p);
      assert.match(o.type === 'failed' ? o.message : '', /symbolic link/, p);
    }
    assert.deepEqual(readdirSync(outside), []);
    // The directory itself may be a link (operator config): it is resolved, then confined.
    const viaLink = path.join(tmpdir(), `swy-dirlink-${process.pid}`);
    symlinkSync(world.dir, viaLink);
    try {
      const t = createTarget({ kind: 'file', path: 'real/ok.jsonl' }, world.deps({ fileDirectory: viaLink }));
      const o = await t.send([contractMessage()], never);
      await t.close();
      assert.equal(o.type, 'delivered');
      assert.equal(readFileSync(path.join(world.dir, 'real', 'ok.jsonl'), 'utf8').split('\n').length, 2);
    } finally {
      rmSync(viaLink);
    }
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});
