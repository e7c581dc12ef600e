// Test support for the engine's tests (excluded from the build like every *.contract.ts): a real
// SqliteStore in a temp directory, a ManualClock, real loopback HTTP receivers, and waits that end
// on events (a request arriving, a row changing) rather than on time.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/index.js';
import { createEvent, eventSize, serializeEvent, type AttributeValue } from '../../events/index.js';
import { SqliteStore, type AppendItem, type DeliveryEnqueue, type Store, type TargetKey } from '../../store/index.js';
import type { TargetDeps } from '../targets/index.js';
import { testWorld, type TestWorld } from '../targets/test-deps.contract.js';

/** One request a receiver got. `ceId` is the event id (binary mode) and `events` the batch ids. */
export interface Received {
  readonly n: number;
  readonly ceId: string | undefined;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
  /** Answers the request (status, headers, body); a held request waits for this. */
  answer(status: number, headers?: Record<string, string>, body?: string): void;
}

/** What a receiver does with request `n` (1-based): answer now, or hold it for the test. */
export type Script = (r: Received) => { status: number; headers?: Record<string, string>; body?: string } | 'hold';

export interface Receiver {
  readonly url: string;
  readonly got: Received[];
  /** Requests received and not answered yet. */
  readonly open: () => number;
  /** Highest number of requests open at once. */
  readonly maxOpen: () => number;
  /** Resolves once `n` requests have arrived (10 s bound, then rejects). */
  waitFor(n: number): Promise<void>;
  close(): void;
}

const WAIT_BOUND_MS = 10_000;

/** A real HTTP receiver on 127.0.0.1, port 0, answering by `script`. */
export async function receiver(script: Script = () => ({ status: 204 })): Promise<Receiver> {
  const got: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      let answered = false;
      const ce = req.headers['ce-id'];
      const r: Received = {
        n: got.length + 1, ceId: typeof ce === 'string' ? ce : undefined, body: Buffer.concat(chunks).toString(), headers: req.headers,
        answer(status, headers = {}, body = '') {
          if (answered) return;
          answered = true;
          open--;
          res.writeHead(status, headers).end(body);
        },
      };
      got.push(r);
      const a = script(r);
      if (a !== 'hold') r.answer(a.status, a.headers, a.body);
      for (const w of waiters.filter((x) => got.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`, got, open: () => open, maxOpen: () => maxOpen,
    waitFor(n) {
      if (got.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`receiver got ${got.length} of ${n} requests`)), WAIT_BOUND_MS);
        waiters.push({ n, resolve: () => { clearTimeout(t); resolve(); } });
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** Lets pending I/O callbacks and immediates run until `cond` holds (10 s bound). */
export async function until(cond: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  const deadline = Date.now() + WAIT_BOUND_MS;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Whether a target has nothing unfinished: no delivery pending or leased (through the queue port). */
export async function idle(store: Pick<Store, 'deliveries'>, key: TargetKey): Promise<boolean> {
  const c = await store.deliveries.counts(key);
  return c.pending === 0 && c.inFlight === 0;
}

/** A few turns of the event loop: enough for a pump and a completion write to happen if they would. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export interface EngineWorld {
  readonly clock: ManualClock;
  readonly store: SqliteStore;
  readonly dir: string;
  readonly targets: TestWorld;
  targetDeps(): TargetDeps;
  /** Appends events `ids` on the bus with one delivery each to `key` (group from `groups[i]`). */
  put(key: TargetKey, ids: readonly string[], groups?: readonly (string | null)[], ext?: Readonly<Record<string, AttributeValue>>): Promise<void>;
  /** Reopens the store on the same directory (a restart). */
  reopen(): Promise<SqliteStore>;
  close(): Promise<void>;
}

const storeAt = (dir: string, clock: ManualClock): SqliteStore => new SqliteStore({
  dataDir: dir, durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: 0,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600_000, sweepBatch: 1000, clock,
});

/** A store in a temp directory on a ManualClock, plus real target deps (private networks allowed). */
export function engineWorld(): EngineWorld {
  const clock = new ManualClock(T0);
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-engine-'));
  let store = storeAt(dir, clock);
  const targets = testWorld({ clock, allowPrivateNetworks: true });
  return {
    clock, dir, targets,
    get store() {
      return store;
    },
    targetDeps: () => targets.deps(),
    async put(key, ids, groups, ext = {}) {
      const items: AppendItem[] = ids.map((id, i) => {
        const ev = createEvent({ id, source: 'urn:test', type: 'test.engine', extensions: ext, data: { kind: 'json', value: { id } } });
        const d: DeliveryEnqueue = { rule: key.rule, target: key.target, group: groups?.[i] ?? null };
        return {
          bus: key.bus, id, source: ev.source, type: ev.type, subject: undefined, time: undefined, body: serializeEvent(ev),
          size: eventSize(ev), mode: 'structured', matchedRules: [key.rule], deliveries: [d],
        };
      });
      const out = await store.events.append(items);
      for (const o of out) if (o.type !== 'stored') throw new Error(`append: ${o.type}`);
    },
    async reopen() {
      await store.close();
      store = storeAt(dir, clock);
      return store;
    },
    async close() {
      await store.close();
      await targets.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
