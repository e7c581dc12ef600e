// A real HTTP receiver on 127.0.0.1 (port 0) for the delivery suites: it records every request
// and answers as a script says — a status, a delay, a dropped connection, a slow body.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BATCH, STRUCTURED, call, until } from './_client.js';

export interface Received {
  readonly n: number;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Date.now() when the request body was complete. */
  readonly at: number;
}

/** How the receiver answers one request. */
export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  /** Waits (never answering before `ms`), then answers 200: a receiver slower than the timeout. */
  | { readonly hang: number }
  /** Destroys the connection without an answer. */
  | { readonly reset: true }
  /** Sends the status line and headers, then the body one byte every `everyMs`. */
  | { readonly slowBody: string; readonly everyMs: number };

export type Script = (r: Received) => Reply;

export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Most requests that were open (received, not yet answered) at once. */
  maxOpen(): number;
  /** Resolves once `pred` holds over the requests (checked on each request), or rejects at the deadline. */
  until(what: string, pred: (requests: readonly Received[]) => boolean, timeoutMs?: number): Promise<void>;
  setScript(script: Script): void;
  close(): Promise<void>;
}

export async function startReceiver(script: Script = () => ({ status: 200 }), port = 0): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let current = script;
  const later = (ms: number, f: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { n: requests.length + 1, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(r);
      open++;
      maxOpen = Math.max(maxOpen, open);
      res.once('close', () => open--);
      for (const w of [...waiters]) w();
      const reply = current(r);
      if ('reset' in reply) {
        req.socket.destroy();
      } else if ('hang' in reply) {
        later(reply.hang, () => {
          if (!res.destroyed) res.end();
        });
      } else if ('slowBody' in reply) {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(reply.slowBody)) });
        let i = 0;
        const step = (): void => {
          if (res.destroyed) return;
          if (i >= reply.slowBody.length) {
            res.end();
            return;
          }
          res.write(reply.slowBody[i++]!);
          later(reply.everyMs, step);
        };
        step();
      } else {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    maxOpen: () => maxOpen,
    setScript(s) {
      current = s;
    },
    until(what, pred, timeoutMs = 10_000) {
      if (pred(requests)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what} (${requests.length} requests so far)`));
        }, timeoutMs);
        const check = (): void => {
          if (!pred(requests)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- API helpers of the delivery suites ----

export async function putRule(url: string, bus: string, name: string, body: Record<string, unknown>): Promise<void> {
  const a = await call(url, `/v1/buses/${bus}/rules/${name}`, { method: 'PUT', json: body });
  assert.ok(a.status === 200 || a.status === 201, a.text);
}

export async function createBus(url: string, name: string): Promise<void> {
  const a = await call(url, '/v1/buses', { json: { name } });
  assert.equal(a.status, 201, a.text);
}

/** Puts events (structured mode for one, batch mode for several). */
export async function putEvents(url: string, bus: string, events: readonly Record<string, unknown>[]): Promise<void> {
  const one = events.length === 1;
  const a = await call(url, `/v1/buses/${bus}/events`, { body: JSON.stringify(one ? events[0] : events), headers: { 'content-type': one ? STRUCTURED : BATCH } });
  assert.equal(a.status, 202, a.text);
}

export interface TraceView {
  finalState: string;
  targets: { rule: string; target: string; state: string; payload: string | null; attempts: { n: number; at: string; ok: boolean; status: number | null; errorClass: string | null; message: string | null }[] }[];
}

export async function trace(url: string, bus: string, id: string): Promise<TraceView> {
  const a = await call<TraceView>(url, `/v1/buses/${bus}/events/${encodeURIComponent(id)}/trace`);
  assert.equal(a.status, 200, a.text);
  return a.json;
}

/** Waits until the event's trace reaches `state` (delivered, dead, …). */
export async function untilFinal(url: string, bus: string, id: string, state: string, timeoutMs = 10_000): Promise<TraceView> {
  let last: TraceView | undefined;
  await until(`event ${id} ${state}`, async () => {
    last = await trace(url, bus, id);
    return last.finalState === state;
  }, timeoutMs).catch((e: Error) => {
    throw new Error(`${e.message}; last trace: ${JSON.stringify(last)}`);
  });
  return last!;
}

export interface DeadLetterView {
  id: number; bus: string; sequence: number; eventId: string; rule: string; target: string; group: string | null;
  createdAt: string; deadAt: string; attempts: number; lastError: string | null;
}

export async function deadLetters(url: string, query = ''): Promise<DeadLetterView[]> {
  const a = await call<{ items: DeadLetterView[] }>(url, `/v1/dead-letters${query === '' ? '' : `?${query}`}`);
  assert.equal(a.status, 200, a.text);
  return a.json.items;
}

/** Fast retries for tests: 10–20 ms apart instead of seconds. */
export const FAST_RETRY = { baseMs: 10, capMs: 20 } as const;
