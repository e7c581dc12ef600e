import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerKinds } from './index.js';

const kinds = new Map(brokerKinds({ maxEventBytes: 1024, maxBatchEvents: 10, maxJsonDepth: 8 }).map((k) => [k.name, k]));
const check = (kind: string, config: unknown): { ok: boolean; paths: string[] } => {
  const r = kinds.get(kind)!.checkConfig(config as never, '', { allowUnverified: true });
  return { ok: r.ok, paths: r.ok ? [] : r.violations.map((v) => v.path) };
};

test('broker kinds - every kind checks its settings: required fields, schemes, names, ranges, unknown keys', () => {
  assert.deepEqual(check('nats-jetstream', { url: 'nats://127.0.0.1:4222', stream: 'S', consumer: 'c' }), { ok: true, paths: [] });
  assert.deepEqual(check('nats-jetstream', { url: 'http://x', stream: 'a b', consumer: '', ackWaitMs: 0, concurrency: 5000, extra: 1 }).paths.sort(),
    ['/ackWaitMs', '/concurrency', '/consumer', '/extra', '/stream', '/url']);
  assert.deepEqual(check('nats', { url: 'nats://h:4222', subject: 'a.>', queue: 'q' }), { ok: true, paths: [] });
  assert.deepEqual(check('nats', { url: 'nats://h', subject: 'has space' }).paths, ['/subject']);
  assert.deepEqual(check('amqp', { url: 'amqp://h:5672', queue: 'q', prefetch: 10 }), { ok: true, paths: [] });
  assert.deepEqual(check('amqp', { url: 'amqp://guest:guest@h:5672', queue: 'q' }).paths, ['/url']);
  assert.deepEqual(check('mqtt', { url: 'mqtt://h:1883', topic: 'a/+/b/#' }), { ok: true, paths: [] });
  assert.deepEqual(check('mqtt', { url: 'mqtt://h', topic: 'x'.repeat(2000), clientId: 7 }).paths.sort(), ['/clientId', '/topic']);
  assert.deepEqual(check('redis-streams', { url: 'redis://h:6379', stream: 's', group: 'g', startId: '0' }), { ok: true, paths: [] });
  assert.deepEqual(check('redis-streams', { url: 'redis://h', stream: 's', group: 'g', startId: '1-0', count: 0 }).paths.sort(), ['/count', '/startId']);
  assert.deepEqual(check('postgres-notify', { url: 'postgres://postgres@h/db', channel: 'orders_in' }), { ok: true, paths: [] });
  assert.deepEqual(check('postgres-notify', { url: 'postgres://u:secret@h/db', channel: 'x"; DROP TABLE t; --' }).paths.sort(), ['/channel', '/url']);
  for (const k of kinds.keys()) {
    assert.equal(check(k, null).ok, false, `${k} refuses no settings`);
    assert.equal(check(k, { url: 'not a url' }).paths.includes('/url'), true, `${k} refuses a bad url`);
  }
});

test('broker kinds - a connection named is reported so the API checks it exists', () => {
  const r = kinds.get('amqp')!.checkConfig({ url: 'amqp://h', queue: 'q', connection: 'rabbit' } as never, '', { allowUnverified: true });
  assert.equal(r.ok, true);
  if (r.ok) assert.deepEqual(kinds.get('amqp')!.connections(r.config as never), ['rabbit']);
});
