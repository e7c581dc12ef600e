// The replay half of bench:stream (issue 16, docs/replay.md): the replay rate of 100,000 stored
// events through a pattern to a bus target, as a ratio to the live batched ingest rate measured
// on the same server in the same run.
//
// One server (`switchyard start`, its own process). Bus `stored` holds 100,000 events (~300 B,
// the bench:ingest corpus) put once; rule `fwd` on it forwards to a bus target (a fresh bus per
// round, so the forwarded copies are never deduplicated). Each round alternates:
//   - live: 100-event batches put on bus `live` (no rules) by the bench:ingest load generator
//     (bench/_ingest-load.ts, its own process) for 1 s warm-up + 4 s;
//   - replay: a replay of the 100,000 events with a pattern matching about half of them
//     (data.order.total < 250), destination the rule; timed from the POST until the replay is
//     completed AND the bus target has no unfinished delivery (every matched event forwarded and
//     stored on the destination bus). Rate = 100,000 events / that time.
// Reported: the median of the per-round ratios replay/live with its spread (min–max).
import { batchBody } from './_ingest-corpus.js';
import type { LoadResult, LoadSpec } from './_ingest-load.js';
import { api, firstLine, sleep, tsx } from './_processes.js';

export const STORED_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 100_000);
const PUT_BATCH = 500;
const LIVE_BATCH = 100;
const LIVE_CONNECTIONS = 4;

export interface ReplayRound { readonly liveEventsPerSecond: number; readonly replayEventsPerSecond: number; readonly ratio: number; readonly forwarded: number }

/** Fills bus `stored` with STORED_EVENTS events (4 puts in flight) and makes the forwarding rule. */
export async function prepareReplay(url: string): Promise<void> {
  await api(url, 'POST', '/v1/buses', { name: 'stored', retention: { maxAgeMs: null, maxCount: null } });
  await api(url, 'POST', '/v1/buses', { name: 'live', retention: { maxAgeMs: null, maxCount: null } });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let b = next++; b * PUT_BATCH < STORED_EVENTS; b = next++) {
      const res = await fetch(`${url}/v1/buses/stored/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: batchBody(`st${b}`, PUT_BATCH) });
      if (res.status !== 202) throw new Error(`fill: ${res.status} ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function liveRate(url: string, runId: string, serverPid: number): Promise<number> {
  const spec: LoadSpec = { url, bus: 'live', mode: 'batch', batchSize: LIVE_BATCH, connections: LIVE_CONNECTIONS, warmupMs: 1000, durationMs: 4000, runId, serverPid };
  const r = JSON.parse(await firstLine(tsx('bench/_ingest-load.ts', [JSON.stringify(spec)]))) as LoadResult;
  if (r.errors > 0) throw new Error(`live ingest: ${r.errors} errors`);
  return r.events / r.seconds;
}

interface ReplayView { id: string; state: string; progress: { processed: number; matched: number; enqueued: number } }
interface TargetView { items: { id: string; deliveries: { pending: number; inFlight: number } }[] }

async function replayRate(url: string, round: number): Promise<{ rate: number; forwarded: number }> {
  const dest = `copy${round}`;
  await api(url, 'POST', '/v1/buses', { name: dest, retention: { maxAgeMs: null, maxCount: null } });
  await api(url, 'PUT', '/v1/buses/stored/rules/fwd', { filter: { pattern: { source: [{ prefix: 'urn:bench' }] } }, targets: [{ id: 'copy', kind: 'bus', bus: dest, concurrency: 256 }] });
  const started = performance.now();
  const job = await api(url, 'POST', '/v1/buses/stored/replays', {
    from: 1, destination: { rule: 'fwd' }, pattern: { data: { order: { total: [{ numeric: ['<', 250] }] } } },
  }) as ReplayView;
  let readAt: number | undefined;
  for (;;) {
    const [r, t] = await Promise.all([api(url, 'GET', `/v1/replays/${job.id}`) as Promise<ReplayView>, api(url, 'GET', '/v1/buses/stored/rules/fwd/targets') as Promise<TargetView>]);
    const open = t.items.reduce((n, x) => n + x.deliveries.pending + x.deliveries.inFlight, 0);
    if (r.state === 'completed') readAt ??= performance.now();
    if (r.state === 'completed' && open === 0) {
      const seconds = (performance.now() - started) / 1000;
      if (process.env.BENCH_VERBOSE !== undefined) console.log(`  replay read and enqueued in ${((readAt! - started) / 1000).toFixed(2)} s, drained in ${seconds.toFixed(2)} s`);
      if (r.progress.processed !== STORED_EVENTS) throw new Error(`replay read ${r.progress.processed} of ${STORED_EVENTS}`);
      return { rate: STORED_EVENTS / seconds, forwarded: r.progress.enqueued };
    }
    if (r.state !== 'running' && r.state !== 'completed') throw new Error(`replay ended ${r.state}`);
    await sleep(20);
  }
}

export async function replayRound(url: string, serverPid: number, round: number): Promise<ReplayRound> {
  // Alternate which goes first, so a drift of the machine's speed within a round evens out.
  let live: number;
  let replay: { rate: number; forwarded: number };
  if (round % 2 === 0) {
    live = await liveRate(url, `r${round}`, serverPid);
    replay = await replayRate(url, round);
  } else {
    replay = await replayRate(url, round);
    live = await liveRate(url, `r${round}`, serverPid);
  }
  return { liveEventsPerSecond: live, replayEventsPerSecond: replay.rate, ratio: replay.rate / live, forwarded: replay.forwarded };
}
