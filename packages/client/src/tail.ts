import { ApiError, NetworkError, problemOf } from './errors.js';
import { parseSse } from './sse.js';
import { RETRY_STATUSES, parseRetryAfter, retryDelay } from './retry.js';
import { fillPath, queryString, type Transport } from './transport.js';
import type { StoredEvent } from './types.js';

export interface TailOptions {
  /** Only events matching this event pattern (docs/patterns.md). */
  readonly pattern?: Record<string, unknown>;
  /** Start after this sequence (0: from the oldest retained event); default: only new events. */
  readonly after?: number;
  /** Ends the iteration (the iterator returns; no error). */
  readonly signal?: AbortSignal;
  /** Reconnect when the stream drops (default true). */
  readonly reconnect?: boolean;
  /** Failed reconnects in a row before the tail throws (default 10). */
  readonly maxFailures?: number;
}

/**
 * The live tail of a bus as an async iterator of stored events, in sequence order. The server
 * sends each event with its sequence as the SSE id (and keep-alives carry the position too);
 * when the stream drops — a network error, a server restart — the tail reconnects with
 * `Last-Event-ID`, so no event is lost or repeated across the gap. Reconnects back off as the
 * client's retry policy says (a server's `retry:` field raises the first delay).
 */
export async function* tail(transport: Transport, bus: string, opts: TailOptions = {}): AsyncGenerator<StoredEvent> {
  const path = '/v1/buses/{bus}/stream';
  const label = `GET ${path}`;
  const maxFailures = opts.maxFailures ?? 10;
  const aborted = (): boolean => opts.signal?.aborted === true;
  let lastId: string | undefined;
  let serverRetry = 0;
  let failures = 0;
  const backoff = async (retryAfterMs?: number): Promise<boolean> => {
    failures++;
    if (failures > maxFailures) return false;
    const policy = { ...transport.policy, retries: Number.MAX_SAFE_INTEGER };
    const wait = retryDelay(policy, Math.min(failures - 1, 30), retryAfterMs, transport.random());
    if (wait === undefined) return false;
    await transport.sleep(Math.max(wait, serverRetry), opts.signal);
    return true;
  };
  const query = queryString({ pattern: opts.pattern === undefined ? undefined : JSON.stringify(opts.pattern), after: opts.after });
  const url = transport.baseUrl + fillPath(path, { bus }) + query;
  while (!aborted()) {
    let res: Response;
    try {
      res = await transport.fetch(url, {
        headers: transport.headers({ accept: 'text/event-stream', ...(lastId === undefined ? {} : { 'last-event-id': lastId }) }),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
    } catch (err) {
      if (aborted()) return;
      if (await backoff().catch(() => false)) continue;
      if (aborted()) return;
      throw new NetworkError(label, err);
    }
    if (!res.ok || res.body === null) {
      const text = await res.text();
      if (RETRY_STATUSES.has(res.status) && (await backoff(parseRetryAfter(res.headers.get('retry-after'), Date.now())).catch(() => false))) continue;
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      throw new ApiError(problemOf(res.status, res.statusText, parsed), label);
    }
    failures = 0;
    try {
      for await (const m of parseSse(res.body)) {
        if (m.retry !== undefined) serverRetry = m.retry;
        if (m.event === 'event' && m.data !== '') yield JSON.parse(m.data) as StoredEvent;
        // After the event is handed over: a consumer that stops mid-stream resumes after it.
        if (m.id !== undefined) lastId = m.id;
      }
    } catch (err) {
      if (aborted()) return;
      if (err instanceof SyntaxError) throw err;
      // the stream broke: reconnect below
    }
    if (opts.reconnect === false || aborted()) return;
    if (await backoff().catch(() => false)) continue;
    if (aborted()) return;
    throw new NetworkError(label, new Error('the stream ended and reconnecting failed'));
  }
}
