import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { SwitchyardError } from '../../core/index.js';
import { compilePatternParam, type CompiledMatcherLike, type EventFeed } from '../../observe/index.js';
import type { Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';
import { storedEventJson } from './events.js';

export interface StreamRoutesDeps {
  readonly store: Store;
  readonly feed: EventFeed;
  /** Quiet period after which a keep-alive comment is sent and the store re-read. */
  readonly heartbeatMs: number;
}

const PAGE = 500;

/** One SSE message; `data` may hold newlines (raw JSON text), so each line gets its own field. */
function sseMessage(id: number, data: string): string {
  return `id: ${id}\nevent: event\ndata: ${data.replace(/\r\n|\r|\n/g, '\ndata: ')}\n\n`;
}

function parseLastEventId(v: string | string[] | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[0] ?? '' : v;
  if (!/^\d{1,15}$/.test(s.trim())) {
    throw new SwitchyardError('SWY_OBSERVE_INVALID_QUERY', 'Last-Event-ID must be the sequence number of the last event received', {
      violations: [{ path: '/headers/last-event-id', reason: 'not a sequence number' }],
    });
  }
  return Number(s.trim());
}

/**
 * Streams a bus's events to one client. Invariant: `cursor` is the last sequence handed to the
 * client (or skipped by the pattern); every pump reads the store after it, in order, so replay
 * and live delivery are one loop and no event can fall between them. The feed only wakes the
 * pump; a heartbeat re-reads the store too, so even a missed wake-up costs only latency.
 */
class TailSession {
  #cursor: number;
  #pumping = false;
  #again = false;
  #closed = false;

  constructor(private readonly res: ServerResponse, private readonly store: Store, private readonly bus: string, cursor: number, private readonly pattern: CompiledMatcherLike | undefined) {
    this.#cursor = cursor;
  }

  /** The last sequence handed to the client or skipped by the pattern. */
  get cursor(): number {
    return this.#cursor;
  }

  close(): void {
    this.#closed = true;
  }

  /** Sends every event after the cursor; runs one pump at a time, re-running if woken meanwhile. */
  async pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        for (;;) {
          if (this.#closed) return;
          const page = await this.store.events.list({ bus: this.bus, after: this.#cursor, limit: PAGE });
          let chunk = '';
          for (const e of page.items) {
            this.#cursor = e.sequence;
            if (this.pattern === undefined || this.pattern.matches(e.body)) chunk += sseMessage(e.sequence, storedEventJson(e));
          }
          if (chunk !== '' && !this.res.write(chunk)) await new Promise<void>((resolve) => this.res.once('drain', resolve).once('close', resolve));
          if (page.next === undefined) break;
        }
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
  }
}

/** `GET /v1/buses/{bus}/stream`: live tail as Server-Sent Events, resumable with Last-Event-ID. */
export async function streamRoutes(app: FastifyInstance, deps: StreamRoutesDeps): Promise<void> {
  const open = new Set<ServerResponse>();
  // End every tail before the server closes, so a graceful stop is not held open by them.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  app.get<{ Params: { bus: string }; Querystring: { pattern?: string; after?: number } }>('/v1/buses/:bus/stream', {
    config: { scope: 'read' },
    schema: {
      summary: 'Live tail of a bus as Server-Sent Events (id = sequence); resume with Last-Event-ID',
      tags: ['observe'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          pattern: { type: 'string', maxLength: 4096, description: 'only events matching this event pattern (JSON text)' },
          after: { type: 'integer', minimum: 0, description: 'start after this sequence (0 = from the oldest retained event); default: only new events' },
        },
      },
      response: { '4xx': problem },
    },
  }, async (req, reply) => {
    const { bus } = req.params;
    const rec = await deps.store.catalog.buses.get(bus);
    if (rec === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    const pattern = req.query.pattern === undefined ? undefined : compilePatternParam(req.query.pattern);
    // Last-Event-ID (a reconnect) wins over `after`; with neither, the tail starts at the head.
    const cursor = parseLastEventId(req.headers['last-event-id']) ?? req.query.after ?? rec.nextSequence - 1;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // A message with an id and no data fires no event but sets the client's Last-Event-ID, so a
    // client that reconnects before any event arrived resumes where this stream started.
    res.write(`: switchyard tail\nid: ${cursor}\n\n`);
    const session = new TailSession(res, deps.store, bus, cursor, pattern);
    const wake = (): void => {
      session.pump().catch((err: unknown) => {
        req.log.warn({ err, bus }, 'live tail stopped');
        res.destroy();
      });
    };
    const unsubscribe = deps.feed.subscribe(bus, wake);
    const heartbeat = setInterval(() => {
      // The id moves the client's Last-Event-ID past events the pattern skipped.
      res.write(`: keep-alive\nid: ${session.cursor}\n\n`);
      wake();
    }, deps.heartbeatMs);
    open.add(res);
    const stop = (): void => {
      open.delete(res);
      session.close();
      unsubscribe();
      clearInterval(heartbeat);
    };
    res.once('close', stop);
    wake();
  });
}
