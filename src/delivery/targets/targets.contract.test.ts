import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { runTargetContract } from '../targets.contract.js';
import { createTarget } from './index.js';
import { testWorld } from './test-deps.contract.js';

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Event ids in an http request: the ce-id header (binary), or the JSON-format event(s). */
function idsOf(req: IncomingMessage, text: string): string[] {
  const ce = req.headers['ce-id'];
  if (typeof ce === 'string') return [ce];
  const v = JSON.parse(text) as { id: string } | { id: string }[];
  return Array.isArray(v) ? v.map((e) => e.id) : [v.id];
}

async function listen(status: number, received: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void body(req).then((text) => {
      if (status < 300) received.push(...idsOf(req, text));
      res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

const world = testWorld();
after(() => world.close());

{
  const received: string[] = [];
  const servers: Server[] = [];
  runTargetContract({
    kind: 'http',
    healthy: async () => {
      const s = await listen(200, received);
      servers.push(s.server);
      return createTarget({ id: 't', kind: 'http', url: s.url }, world.deps());
    },
    failing: async () => {
      const s = await listen(503, received);
      servers.push(s.server);
      return createTarget({ id: 't', kind: 'http', url: s.url }, world.deps());
    },
    received: async () => received,
    cleanup: async () => {
      for (const s of servers) s.close();
    },
  });
}

// The contract's messages come from `default`; the healthy target forwards them to another bus
// (a bus target never puts an event back on a bus it has visited).
await world.store.catalog.buses.create({ name: 'contract-sink', retention: { maxAgeMs: null, maxCount: null } });
runTargetContract({
  kind: 'bus',
  healthy: async () => createTarget({ id: 't', kind: 'bus', bus: 'contract-sink' }, world.deps()),
  failing: async () => createTarget({ id: 't', kind: 'bus', bus: 'no-such-bus' }, world.deps()),
  received: async () => (await world.store.events.list({ bus: 'contract-sink', limit: 1000 })).items.map((e) => e.id),
  cleanup: async () => undefined,
});

runTargetContract({
  kind: 'log',
  healthy: async () => createTarget({ id: 't', kind: 'log' }, world.deps()),
  failing: async () => createTarget({ id: 't', kind: 'log' }, world.deps({ logSink: { write: () => { throw new Error('EPIPE: stdout closed'); } } })),
  received: async () => world.lines.map((l) => (JSON.parse(l) as { event: { id: string } }).event.id),
  cleanup: async () => undefined,
});

runTargetContract({
  kind: 'file',
  healthy: async () => createTarget({ id: 't', kind: 'file', path: 'out/events.jsonl', fsync: true }, world.deps()),
  failing: async () => {
    // the configured directory is a regular file: nothing can be created under it
    const blocker = path.join(world.dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    return createTarget({ id: 't', kind: 'file', path: 'events.jsonl' }, world.deps({ fileDirectory: blocker }));
  },
  received: async () => readFileSync(path.join(world.dir, 'out/events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id),
  cleanup: async () => undefined,
});
