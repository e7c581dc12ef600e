// A broker that accepts the socket and never answers the handshake: each kind's send ends when it
// is aborted (a shutdown), and the target's close returns without waiting for the connect still
// pending (a close that waited held the server's shutdown for as long as the driver kept trying).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { contractMessage } from '../../targets.contract.js';
import { createTarget } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { eventually } from './test-support.contract.js';

const world = testWorld();
world.vault.put('basic', { kind: 'basic', username: 'guest', password: 'guest' });
after(() => world.close());

/** A TCP server that accepts every connection and says nothing; `close` ends them all. */
async function silentServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const specs: Record<string, (port: number) => Record<string, unknown>> = {
  redis: (port) => ({ kind: 'redis', url: `redis://127.0.0.1:${port}`, key: 'k' }),
  amqp: (port) => ({ kind: 'amqp', url: `amqp://127.0.0.1:${port}`, connection: 'basic', exchange: 'x', routingKey: 'k' }),
  mqtt: (port) => ({ kind: 'mqtt', url: `mqtt://127.0.0.1:${port}`, topic: 't' }),
  nats: (port) => ({ kind: 'nats', url: `nats://127.0.0.1:${port}`, subject: 's.t' }),
  postgres: (port) => ({ kind: 'postgres', url: `postgres://127.0.0.1:${port}/test`, connection: 'basic', table: 't', columns: { id: '$.id' } }),
};

for (const [kind, spec] of Object.entries(specs)) {
  test(`${kind} target - a server that never answers the handshake: an aborted send ends, and close does not wait for the connect`, async () => {
    const server = await silentServer();
    const t = createTarget({ id: 't', timeoutMs: 60_000, ...spec(server.port) }, world.deps());
    try {
      const ac = new AbortController();
      const sending = t.send([contractMessage()], ac.signal);
      await eventually(() => server.accepted() >= 1);
      ac.abort();
      const o = await sending;
      assert.equal(o.type, 'failed', JSON.stringify(o));
      // Bounded only so that a regression fails here instead of hanging the suite.
      const closed = await Promise.race([t.close().then(() => 'closed'), new Promise((r) => setTimeout(r, 10_000, 'still waiting')).then((x) => x)]);
      assert.equal(closed, 'closed');
    } finally {
      await server.close();
    }
  });
}
