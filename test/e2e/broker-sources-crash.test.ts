// A broker source whose Switchyard process is killed (SIGKILL) mid-stream, then started again on
// the same data: the messages it had received but not committed (and those committed but not yet
// acknowledged) are redelivered by the broker, and every message ends stored exactly once.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { call } from './_client.js';
import { startChild, tempDataDir } from './_child.js';
import { amqpFixture, busEvents, jetStreamFixture, mqttFixture, redisFixture, until, type BrokerFixture } from './_broker-sources.js';

const N = 400;

/**
 * `queued`: the broker keeps messages for the source while its process is down (a durable queue,
 * a consumer group, a durable consumer), so half the stream is published only after the kill:
 * the kill always lands mid-stream, however fast the source drained the first half. An MQTT
 * session may not outlive the connection, so there the whole stream is published at once.
 */
async function crashMidStream(make: () => Promise<BrokerFixture>, extra: Record<string, unknown> = {}, queued = true): Promise<void> {
  const dir = tempDataDir();
  const f = await make();
  let child = await startChild(dir);
  try {
    await call(child.url, '/v1/connections/rabbit', { method: 'PUT', json: { kind: 'basic', username: 'guest', password: 'guest' } });
    const put = await call(child.url, '/v1/sources/src', { method: 'PUT', json: { ...f.settings, ...extra, bus: 'default' } });
    assert.equal(put.status, 201, put.text);
    await until(async () => ((await call<{ status: { state: string } }>(child.url, '/v1/sources/src')).json.status.state === 'running'));
    await new Promise((r) => setTimeout(r, 300));
    // Each message a CloudEvent with its own id (binary mode), so "stored once" is checkable by id.
    const messages = Array.from({ length: N }, (_, i) => ({
      body: JSON.stringify({ i }), contentType: 'application/json',
      headers: f.binary({ specversion: '1.0', id: `m-${i}`, source: '/crash', type: 'crash.test' }),
    }));
    const later = queued ? messages.slice(N / 2) : [];
    const publishing = f.publish(queued ? messages.slice(0, N / 2) : messages);
    const firstUrl = child.url;
    await until(async () => (await busEvents(firstUrl, 'default')).length >= 20);
    const beforeKill = (await busEvents(firstUrl, 'default')).length;
    child.proc.kill('SIGKILL');
    await child.exited;
    await publishing;
    await f.publish(later);
    assert.ok(beforeKill < N, `killed mid-stream (${beforeKill} of ${N} stored)`);
    child = await startChild(dir);
    const url = child.url;
    await until(async () => (await busEvents(url, 'default')).length >= N);
    // A moment more for any redelivery that would store one twice.
    await new Promise((r) => setTimeout(r, 1500));
    const events = await busEvents(url, 'default');
    const ids = events.map((e) => String(e.id));
    assert.equal(new Set(ids).size, N, 'every message stored');
    assert.equal(ids.length, N, 'none stored twice');
  } finally {
    child.proc.kill('SIGKILL');
    await child.exited;
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('broker sources crash - nats-jetstream: killed mid-stream, restarted: every message stored once', () => crashMidStream(() => jetStreamFixture(), { ackWaitMs: 2000 }));
test('broker sources crash - amqp: killed mid-stream, restarted: every message stored once', () => crashMidStream(() => amqpFixture()));
test('broker sources crash - redis-streams: killed mid-stream, restarted: every message stored once', () => crashMidStream(() => redisFixture()));
test('broker sources crash - mqtt: killed mid-stream, restarted: every message stored once', () => crashMidStream(() => mqttFixture(), {}, false));
