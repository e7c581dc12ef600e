// A broker source whose broker restarts mid-stream. The brokers here are private instances on
// free ports with their own data directories (the machine's shared services are never touched):
// nats-server with JetStream, redis-server with an append-only file, mosquitto with persistence. Every message the publisher
// got the broker's acknowledgement for ends stored exactly once. RabbitMQ is left out: a private
// RabbitMQ node (Erlang VM, cookie, node name, management of its own) is impractical here, and
// restarting the shared one would disturb every other user of this machine.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { call } from './_client.js';
import { freePort } from './_child.js';
import { startTestServer } from './harness.js';
import { busEvents, jetStreamFixture, mqttFixture, redisFixture, until, type BrokerFixture } from './_broker-sources.js';

const N = 300;

interface Broker { start(): Promise<void>; stop(): Promise<void>; readonly url: string; readonly dir: string }

function privateBroker(cmd: string, args: (port: number, dir: string) => string[], scheme: string, port: number): Broker {
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-broker-'));
  let proc: ChildProcess | undefined;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    dir,
    async start() {
      proc = spawn(cmd, args(port, dir), { stdio: 'ignore' });
      // Ready once it accepts TCP connections.
      const net = await import('node:net');
      await until(() => new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      }));
    },
    async stop() {
      const p = proc;
      if (p === undefined || p.exitCode !== null) return;
      await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill('SIGTERM'); });
    },
  };
}

/** Publishes one message until the broker acknowledges it (through the restart). */
async function publishAcked(f: BrokerFixture, i: number): Promise<void> {
  for (;;) {
    try {
      await f.publish([{ body: JSON.stringify({ i }), contentType: 'application/json', headers: f.binary({ specversion: '1.0', id: `r-${i}`, source: '/restart', type: 'restart.test' }) }]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function restartMidStream(broker: Broker, make: (url: string) => Promise<BrokerFixture>): Promise<void> {
  await broker.start();
  const t = await startTestServer();
  const f = await make(broker.url);
  try {
    const put = await call(t.url, '/v1/sources/src', { method: 'PUT', json: { ...f.settings, bus: 'default' } });
    assert.equal(put.status, 201, put.text);
    await until(async () => ((await call<{ status: { state: string } }>(t.url, '/v1/sources/src')).json.status.state === 'running'));
    let restarted = false;
    for (let i = 0; i < N; i++) {
      await publishAcked(f, i);
      if (i === N / 2) {
        await until(async () => (await busEvents(t.url, 'default')).length >= 10);
        await broker.stop();
        await new Promise((r) => setTimeout(r, 500));
        await broker.start();
        restarted = true;
      }
    }
    assert.ok(restarted);
    await until(async () => (await busEvents(t.url, 'default')).length >= N);
    await new Promise((r) => setTimeout(r, 1000));
    const ids = (await busEvents(t.url, 'default')).map((e) => String(e.id));
    assert.equal(new Set(ids).size, N, 'every acknowledged message stored');
    assert.equal(ids.length, N, 'none stored twice');
  } finally {
    await t.close();
    await f.close().catch(() => undefined);
    await broker.stop();
    rmSync(broker.dir, { recursive: true, force: true });
  }
}

test('broker restart - nats-jetstream: a private nats-server restarted mid-stream, nothing lost, nothing twice', async () => {
  const port = await freePort();
  const b = privateBroker('/usr/sbin/nats-server', (p, dir) => ['-js', '-p', String(p), '-sd', dir, '-a', '127.0.0.1'], 'nats', port);
  await restartMidStream(b, (url) => jetStreamFixture(url));
});

test('broker restart - redis-streams: a private redis-server (append-only) restarted mid-stream, nothing lost, nothing twice', async () => {
  const port = await freePort();
  const b = privateBroker('redis-server', (p, dir) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], 'redis', port);
  await restartMidStream(b, (url) => redisFixture(url));
});

test('broker restart - mqtt: a private mosquitto (persistence on) restarted mid-stream, nothing lost, nothing twice', async () => {
  const port = await freePort();
  const b = privateBroker('/usr/sbin/mosquitto', (p, dir) => {
    const conf = path.join(dir, 'mosquitto.conf');
    writeFileSync(conf, `listener ${p} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\n`);
    return ['-c', conf];
  }, 'mqtt', port);
  await restartMidStream(b, (url) => mqttFixture(url));
});
