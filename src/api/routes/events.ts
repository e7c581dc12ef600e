import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import { storedDeliverAt, type HttpClient, type IngestService } from '../../ingest/index.js';
import type { EventDeliveryState, Store, StoredEvent } from '../../store/index.js';
import { compilePatternParam, formatTraceparent, parseTraceparent, searchEvents } from '../../observe/index.js';
import { busName, problem, storedEvent } from '../schemas.js';
import { TRANSACTION_HEADER } from './transactions.js';

export interface EventRoutesDeps {
  readonly ingest: IngestService;
  readonly store: Store;
  readonly maxRequestBytes: number;
  /** Most events a pattern search examines per page (config observe.searchMaxScan). */
  readonly searchMaxScan?: number;
}

/**
 * The stored event as the API shows it. Built by splicing the stored JSON text so data is
 * returned byte-exact (numbers beyond double precision included).
 */
export function storedEventJson(e: StoredEvent): string {
  const at = storedDeliverAt(e.body);
  const delayed = at === undefined ? '' : `,"deliverAt":"${new Date(at).toISOString()}"`;
  return `{"event":${e.body},"sequence":${e.sequence},"receivedAt":"${new Date(e.receivedAt).toISOString()}","matchedRules":${JSON.stringify(e.matchedRules)}${delayed}}`;
}

/**
 * The request headers for the codec, with a repeated `ce-*` header as an array of its values.
 * Node joins repeated headers into one comma-separated string ("a, b"), which would make two
 * `ce-id` lines a valid id; the codec refuses a repeated attribute when it sees an array.
 */
function headersForCodec(raw: { headers: Record<string, string | string[] | undefined>; rawHeaders: string[] }): Record<string, string | string[] | undefined> {
  const rh = raw.rawHeaders;
  let seen: Set<string> | undefined;
  let repeated: Map<string, string[]> | undefined;
  for (let i = 0; i < rh.length; i += 2) {
    const name = rh[i]!;
    if (name.length < 3 || (name.charCodeAt(0) | 32) !== 99 || (name.charCodeAt(1) | 32) !== 101 || name.charCodeAt(2) !== 45) continue; // "ce-"
    const lower = name.toLowerCase();
    seen ??= new Set();
    if (seen.has(lower)) (repeated ??= new Map()).set(lower, []);
    seen.add(lower);
  }
  if (repeated === undefined) return raw.headers;
  for (let i = 0; i < rh.length; i += 2) repeated.get(rh[i]!.toLowerCase())?.push(rh[i + 1]!);
  return { ...raw.headers, ...Object.fromEntries(repeated) };
}

/** Violations of one PutEvents entry; `code` (e.g. SWY_EVENT_TOO_DEEP) must survive serialization. */
const entryViolations = {
  type: 'array',
  items: { type: 'object', properties: { path: { type: 'string' }, reason: { type: 'string' }, code: { type: 'string' } } },
} as const;

/** Where a put came from, kept with its events for their trace: the peer address and traceparent. */
export function originOf(req: FastifyRequest): HttpClient {
  const tp = req.headers.traceparent;
  const valid = typeof tp === 'string' ? parseTraceparent(tp) : undefined; // an invalid one is ignored (W3C)
  if (valid === undefined || typeof tp !== 'string') return { client: req.ip, traceparent: undefined };
  // A version-00 value of 55 characters is already in the form we keep: the same text, so the
  // request's later readers find it parsed.
  return { client: req.ip, traceparent: valid.version === '00' && tp.length === 55 ? tp : formatTraceparent(valid) };
}

function parseTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    throw new SwitchyardError('SWY_API_INVALID_CURSOR', `${name} must be an RFC 3339 time or epoch milliseconds`, { violations: [{ path: `/querystring/${name}`, reason: 'not a time' }] });
  }
  return ms;
}

export async function eventRoutes(app: FastifyInstance, deps: EventRoutesDeps): Promise<void> {
  // PutEvents takes JSON only: without this, fastify's default text/plain parser hands the
  // route a string and the caller gets a schema error instead of a 415.
  app.removeContentTypeParser('text/plain');
  // The put route takes any body as raw bytes: the CloudEvents codec decides what it is.
  await app.register(async (put) => {
    // Fastify answers 415 by itself when Content-Type is not a valid media type ('xyz', ''),
    // before any parser runs. In binary mode that header is the event's datacontenttype, which
    // the codec must judge (a 400 naming `content-type`). So the put route hides the header
    // from fastify's body parsing and hands the original to the codec.
    const contentTypes = new WeakMap<object, string>();
    // A callback hook, not an async one: no promise per put.
    put.addHook('onRequest', (req, _reply, done) => {
      const ct = req.raw.headers['content-type'];
      if (ct !== undefined) {
        contentTypes.set(req.raw, ct);
        req.raw.headers['content-type'] = 'application/octet-stream';
      }
      done();
    });
    put.removeAllContentTypeParsers();
    put.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxRequestBytes }, (_req, body, done) => done(null, body));
    put.post<{ Params: { bus: string } }>('/v1/buses/:bus/events', {
      config: { scope: 'put' },
      bodyLimit: deps.maxRequestBytes,
      schema: {
        summary: 'Put events on a bus (CloudEvents HTTP binding: binary, structured or batch mode)',
        tags: ['events'],
        params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
        response: {
          202: {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' }, source: { type: 'string' }, sequence: { type: 'integer' }, duplicate: { type: 'boolean' },
                    transaction: { type: 'string', description: 'put into this open transaction (the Switchyard-Transaction header): held, no sequence until it commits' },
                  },
                },
              },
            },
          },
          '4xx': problem,
        },
      },
    }, async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const contentType = contentTypes.get(req.raw);
      const tx = req.headers[TRANSACTION_HEADER];
      const { results } = await deps.ingest.putHttp(req.params.bus, { contentType, headers: headersForCodec(req.raw), body, client: originOf(req), transaction: typeof tx === 'string' ? tx : undefined });
      return reply.code(202).send({ results });
    });
  });

  app.get<{ Params: { bus: string; id: string }; Querystring: { source?: string } }>('/v1/buses/:bus/events/:id', {
    config: { scope: 'read' },
    schema: {
      summary: 'Get one event by id (the newest with that id; narrow with source)',
      tags: ['events'],
      params: { type: 'object', properties: { bus: busName, id: { type: 'string', minLength: 1 } }, required: ['bus', 'id'] },
      querystring: { type: 'object', additionalProperties: false, properties: { source: { type: 'string', minLength: 1 } } },
      response: { 200: storedEvent, '4xx': problem },
    },
  }, async (req, reply) => {
    const { bus, id } = req.params;
    if (await deps.store.catalog.buses.get(bus) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    const e = await deps.store.events.get(bus, id, req.query.source);
    if (e === undefined) throw new SwitchyardError('SWY_STORE_EVENT_NOT_FOUND', `no event "${id}" on bus "${bus}"`);
    return reply.type('application/json').send(storedEventJson(e));
  });

  app.get<{ Params: { bus: string }; Querystring: { type?: string; source?: string; subject?: string; from?: string; to?: string; after?: number; limit: number; q?: string; pattern?: string; rule?: string; state?: EventDeliveryState | 'unmatched' } }>('/v1/buses/:bus/events', {
    config: { scope: 'read' },
    schema: {
      summary: 'List events of a bus in sequence order, filtered, with cursor pagination',
      tags: ['events'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string', minLength: 1 },
          source: { type: 'string', minLength: 1 },
          subject: { type: 'string', minLength: 1 },
          from: { type: 'string', description: 'received at or after (RFC 3339 or epoch ms)' },
          to: { type: 'string', description: 'received before (RFC 3339 or epoch ms)' },
          after: { type: 'integer', minimum: 0, description: 'cursor: events with a greater sequence (the `next` of the previous page)' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          q: { type: 'string', maxLength: 1000, description: 'full-text: words that must all occur in the payload (data)' },
          pattern: { type: 'string', maxLength: 4096, description: 'an event pattern (JSON text, docs/patterns.md) the events must match' },
          rule: { type: 'string', minLength: 1, description: 'only events that matched this rule' },
          state: {
            type: 'string',
            enum: ['delivered', 'pending', 'retrying', 'dead', 'unmatched'],
            description: 'only events in this delivery state: every delivery done (delivered), one not yet attempted (pending), one failed and due again (retrying), one dead-lettered (dead), or no rule matched (unmatched)',
          },
        },
      },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: storedEvent }, next: { type: 'integer' } } },
        '4xx': problem,
      },
    },
  }, async (req, reply) => {
    const { bus } = req.params;
    if (await deps.store.catalog.buses.get(bus) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    const q = req.query;
    if (q.q?.includes('\u0000') === true) {
      // The full-text index reads its query as a C string, where NUL cannot occur.
      throw new SwitchyardError('SWY_API_VALIDATION', 'q must not contain the NUL character', { violations: [{ path: '/querystring/q', reason: 'must not contain the NUL character (U+0000)' }] });
    }
    const page = await searchEvents(deps.store.observe, {
      bus, type: q.type, source: q.source, subject: q.subject,
      from: parseTime('from', q.from), to: parseTime('to', q.to), after: q.after, limit: q.limit,
      text: q.q, rule: q.rule,
      matchedAny: q.state === 'unmatched' ? false : undefined,
      deliveryState: q.state === 'unmatched' ? undefined : q.state,
    }, { pattern: q.pattern === undefined ? undefined : compilePatternParam(q.pattern), maxScan: deps.searchMaxScan ?? 10_000 });
    const next = page.next === undefined ? '' : `,"next":${page.next}`;
    return reply.type('application/json').send(`{"items":[${page.items.map(storedEventJson).join(',')}]${next}}`);
  });

  app.post<{ Body: { entries: unknown } }>('/v1/events', {
    config: { scope: 'put', ownJsonDepth: true },
    bodyLimit: deps.maxRequestBytes,
    schema: {
      summary: 'PutEvents: put events on one or more buses with a result per entry (partial failure)',
      tags: ['events'],
      body: {
        type: 'object',
        required: ['entries'],
        properties: {
          entries: {
            type: 'array',
            description: 'CloudEvents in the JSON format, each with an optional `bus` (default `default`), `delayMs` (deliver after this many milliseconds; stored as the `deliverat` attribute) and `transaction` (hold it in this open transaction of its bus). Each entry is validated on its own: an invalid entry fails alone.',
            items: {},
          },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            failedCount: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' }, source: { type: 'string' }, sequence: { type: 'integer' }, duplicate: { type: 'boolean' },
                  transaction: { type: 'string', description: 'held in this open transaction (the entry\'s `transaction`)' },
                  error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, violations: entryViolations } },
                },
              },
            },
          },
        },
        '4xx': problem,
      },
    },
  }, async (req) => deps.ingest.putEntries(req.body.entries, originOf(req)));
}
