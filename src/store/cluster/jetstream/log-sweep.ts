// Removing events past a bus's age by the store's clock. The streams' MaxAge removes them on the
// server's clock already; this sweep catches up where the two differ (an injected clock, skew),
// reading receivedAt from the oldest messages forward and purging below the first one to keep.
import type { JetStreamManager } from '@nats-io/jetstream';
import { decodeRecord } from './log-record.js';
import { isStreamNotFound } from './streams.js';

const textDecoder = new TextDecoder();

/** Purges the stream's events received before `cutoff` (ms), examining at most `batch`; answers how many. */
export async function sweepLogByAge(jsm: JetStreamManager, stream: string, cutoff: number, batch: number): Promise<number> {
  let state;
  try {
    state = (await jsm.streams.info(stream)).state;
  } catch (err) {
    if (isStreamNotFound(err)) return 0;
    throw err;
  }
  if (state.messages === 0) return 0;
  let keep = state.first_seq;
  const last = Math.min(state.last_seq, state.first_seq + batch - 1);
  for (; keep <= last; keep++) {
    const m = await jsm.direct.getMessage(stream, { seq: keep }).catch(() => null);
    if (m === null) continue;
    if (decodeRecord('', m.seq, textDecoder.decode(m.data)).event.receivedAt >= cutoff) break;
  }
  if (keep === state.first_seq) return 0;
  const r = await jsm.streams.purge(stream, { seq: keep });
  return r.purged;
}
