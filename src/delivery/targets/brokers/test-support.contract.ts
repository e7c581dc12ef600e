// Test support (excluded from the build like every *.contract.ts): a TCP proxy in front of a
// shared local broker, so a test can take "the broker" down and bring it back without touching
// the machine's service; unique names per run; a wait helper.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { SendOutcome } from '../../target.js';

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Fails loudly when a local service the test needs is not listening. */
export async function requireService(name: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', (e) => reject(new Error(`${name} is not listening on 127.0.0.1:${port} (.ci/services starts it): ${e.message}`)));
  });
}

export interface TcpProxy {
  readonly port: number;
  /** Client connections open through the proxy now. */
  connections(): number;
  /** Closes the listener and cuts every open connection: the broker is "down". */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A proxy on 127.0.0.1 forwarding to 127.0.0.1:`upstream`. */
export async function tcpProxy(upstream: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    const s = createServer((client) => {
      const up = connect(upstream, '127.0.0.1');
      sockets.add(client);
      sockets.add(up);
      clients.add(client);
      const drop = (): void => {
        clients.delete(client);
        client.destroy();
        up.destroy();
        sockets.delete(client);
        sockets.delete(up);
      };
      client.on('error', drop).on('close', drop);
      up.on('error', drop).on('close', drop);
      client.pipe(up);
      up.pipe(client);
    });
    await new Promise<void>((r, j) => {
      s.once('error', j);
      s.listen(port, '127.0.0.1', () => r());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const k of sockets) k.destroy();
    sockets.clear();
    clients.clear();
    if (s !== undefined) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return { get port() { return port; }, connections: () => clients.size, stop, start: listen, close: stop };
}

/** Polls `check` until it returns true (per-test timeouts bound the wait). */
export async function eventually(check: () => Promise<boolean> | boolean, everyMs = 20): Promise<void> {
  for (;;) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * "The broker goes down mid-load": sends `count` messages one by one through a target behind
 * `proxy`, takes the proxy down halfway and brings it back after three failed attempts. Every
 * failed outcome must be one the engine retries (`retryable`); it is retried as the engine
 * would. The caller then checks that every message arrived.
 */
export async function sendThroughOutage(opts: {
  proxy: TcpProxy;
  count: number;
  send: (i: number) => Promise<SendOutcome>;
  retryable: (o: Extract<SendOutcome, { type: 'failed' }>) => boolean;
}): Promise<{ failures: number }> {
  let failures = 0;
  for (let i = 0; i < opts.count; i += 1) {
    if (i === Math.floor(opts.count / 2)) await opts.proxy.stop();
    for (;;) {
      const o = await opts.send(i);
      if (o.type === 'delivered') break;
      failures += 1;
      if (!opts.retryable(o)) throw new Error(`message ${i}: a failure the engine would not retry: ${o.errorClass} ${o.message}`);
      if (failures === 3) await opts.proxy.start();
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return { failures };
}
