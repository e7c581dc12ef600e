// One tree's decode cost, run in its own process by bench/ingest-decode-ab.ts: CPU µs per event of
// `decodeHttpRequest` for the bench:ingest bodies (a 100-event batch; a single binary-mode put),
// and of the batch's decode plus `serializeEvent` (the stored body). Best of 5 passes after a
// warm-up. Prints one JSON line. Usage: node --import tsx bench/_ingest-decode.ts <checkout>
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Events from '../src/events/index.js';
import { batchBody, binaryHeaders, dataText } from './_ingest-corpus.js';

const tree = path.resolve(process.argv[2] ?? '.');
const m = (await import(pathToFileURL(path.join(tree, 'src/events/index.ts')).href)) as typeof Events;
const limits = { maxEventBytes: 256 * 1024, maxBatchEvents: 10_000, maxDepth: 64 };
const batches = Array.from({ length: 50 }, (_, i) => Buffer.from(batchBody(`r${i}`, 100)));
const singles = Array.from({ length: 5000 }, (_, i) => ({ headers: binaryHeaders(`s${i}`), body: Buffer.from(dataText(i)) }));

/** CPU µs per event of `f` over `events` events, best of 5 passes after 2 warm-up passes. */
function best(events: number, f: () => void): number {
  const pass = (): number => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / events;
  };
  pass();
  pass();
  return Math.min(pass(), pass(), pass(), pass(), pass());
}
const batch = (serialize: boolean) => (): void => {
  for (let r = 0; r < 20; r++) for (const body of batches) {
    const { events } = m.decodeHttpRequest({ contentType: 'application/cloudevents-batch+json', headers: {}, body }, limits);
    if (serialize) for (const ev of events) m.serializeEvent(ev);
  }
};
const single = (): void => {
  for (const s of singles) m.decodeHttpRequest({ contentType: 'application/json', headers: s.headers, body: s.body }, limits);
};
const out = { batch: best(20 * 50 * 100, batch(false)), batchSerialized: best(20 * 50 * 100, batch(true)), single: best(singles.length, single) };
process.stdout.write(`${JSON.stringify(out)}\n`);
