// The receiver of bench:deliver, in its own process: a bare node:http server on 127.0.0.1 that
// answers every delivery 204 at once and counts it. A single event carries `ce-sentat` (the
// wall-clock time in ms, fractional, at which the load generator put it): the receiver records
// now - sentat as the end-to-end latency. A batch body is counted by its events. Control:
// GET /_stats[?from=&to=] → { requests, events, latency: { n, p50, p99, max, stalls } }
// (bench/_stalls.ts), latency of the events put from `from` to `to` (wall-clock ms: the loader's
// measured window); POST /_reset zeroes them.
// Prints its URL on stdout when listening.
import { createServer } from 'node:http';
import { countStalls, type Timed } from './_stalls.js';

const wallNow = (): number => performance.timeOrigin + performance.now();
let requests = 0;
let events = 0;
let latencies: Timed[] = [];

function countEvents(body: string): number {
  let n = 0;
  for (let i = body.indexOf('"specversion"'); i !== -1; i = body.indexOf('"specversion"', i + 13)) n++;
  return Math.max(1, n);
}

const q = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

const server = createServer((req, res) => {
  if (req.url?.startsWith('/_stats') === true) {
    const query = new URL(req.url, 'http://x').searchParams;
    const from = Number(query.get('from') ?? -Infinity);
    const to = Number(query.get('to') ?? Infinity);
    const win = latencies.filter((l) => l.at >= from && l.at <= to);
    const s = win.map((l) => l.ms).sort((a, b) => a - b);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      requests, events, latency: { n: s.length, p50: q(s, 0.5), p99: q(s, 0.99), max: s[s.length - 1] ?? NaN, stalls: countStalls(win) },
    }));
    return;
  }
  if (req.url === '/_reset') {
    requests = 0;
    events = 0;
    latencies = [];
    res.writeHead(204).end();
    return;
  }
  const sent = req.headers['ce-sentat'];
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests++;
    if (typeof sent === 'string') {
      const at = Number(sent);
      latencies.push({ at, ms: wallNow() - at });
      events++;
    } else {
      events += countEvents(Buffer.concat(chunks).toString());
    }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  process.stdout.write(`http://127.0.0.1:${addr.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
