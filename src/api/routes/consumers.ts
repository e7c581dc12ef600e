import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import { MAX_FETCH, MAX_FETCH_WAIT_MS, type ConsumerState, type DurableConsumers, type FetchResult, type StartPosition } from '../../streams/index.js';
import { busName, problem } from '../schemas.js';
import { requestSignal } from './request-signal.js';

const consumerName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Consumer name: letters, digits, `.`, `_`, `-`; at most 64 characters.' } as const;
const params = { type: 'object', properties: { bus: busName, name: consumerName }, required: ['bus', 'name'] } as const;
const sequence = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** A start position: `earliest`, `latest`, `{ "sequence": n }` or `{ "time": RFC 3339 }`. */
const position = {
  description: '`"earliest"`, `"latest"`, `{ "sequence": n }` (the first event read) or `{ "time": "RFC 3339" }` (the first event received at or after it)',
  anyOf: [
    { type: 'string', enum: ['earliest', 'latest'] },
    { type: 'object', additionalProperties: false, required: ['sequence'], properties: { sequence } },
    { type: 'object', additionalProperties: false, required: ['time'], properties: { time: { type: 'string', format: 'date-time' } } },
  ],
} as const;
type PositionBody = 'earliest' | 'latest' | { sequence: number } | { time: string };

const consumerView = {
  type: 'object',
  properties: {
    bus: { type: 'string' }, name: { type: 'string' },
    pattern: { type: ['object', 'null'], additionalProperties: true, description: 'the event pattern the consumer reads through' },
    offset: { type: 'integer', description: 'the committed offset: the sequence of the last event the consumer is done with; fetches read after it' },
    head: { type: 'integer', description: 'the bus\'s last sequence' },
    lag: { type: 'integer', description: 'events behind the head: head − offset (in sequences, pattern not applied)' },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const fetchView = {
  type: 'object',
  properties: {
    events: {
      type: 'array',
      items: { type: 'object', properties: { sequence: { type: 'integer' }, receivedAt: { type: 'string', format: 'date-time' }, event: { type: 'object', additionalProperties: true } } },
    },
    offset: { type: 'integer', description: 'commit this once done with these events (it also covers events the pattern skipped)' },
    head: { type: 'integer' }, lag: { type: 'integer', description: 'head − the committed offset' },
  },
} as const;

function positionOf(p: PositionBody): StartPosition {
  if (p === 'earliest' || p === 'latest') return { type: p };
  if ('sequence' in p) return { type: 'sequence', sequence: p.sequence };
  const ms = Date.parse(p.time);
  if (!Number.isFinite(ms)) throw new SwitchyardError('SWY_CONSUMER_INVALID', 'time must be an RFC 3339 time', { violations: [{ path: '/time', reason: 'not a time' }] });
  return { type: 'time', time: ms };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const consumerJson = (c: ConsumerState): Record<string, unknown> => ({
  bus: c.bus, name: c.name, pattern: c.pattern, offset: c.offset, head: c.head, lag: c.lag, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
});

/** The fetch answer as JSON text: each stored event spliced in byte-exact. */
function fetchJson(r: FetchResult): string {
  const events = r.events.map((e) => `{"sequence":${e.sequence},"receivedAt":"${iso(e.receivedAt)}","event":${e.body}}`);
  return `{"events":[${events.join(',')}],"offset":${r.offset},"head":${r.head},"lag":${r.lag}}`;
}

/**
 * Durable consumers (docs/consumers.md): create (with a pattern and a start), list and get with
 * their lag, fetch after the committed offset (long poll), commit, reset, delete.
 */
export async function consumerRoutes(app: FastifyInstance, deps: { consumers: DurableConsumers }): Promise<void> {
  const c = deps.consumers;
  const busParams = { type: 'object', properties: { bus: busName }, required: ['bus'] } as const;

  app.post<{ Params: { bus: string }; Body: { name: string; pattern?: Record<string, unknown>; start?: PositionBody } }>('/v1/buses/:bus/consumers', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create a durable consumer of a bus with an optional event pattern and a start position', tags: ['consumers'], params: busParams,
      body: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: { name: consumerName, pattern: { type: 'object', additionalProperties: true, description: 'an event pattern (docs/patterns.md)' }, start: { ...position, default: 'latest' } },
      },
      response: { 200: consumerView, 201: consumerView, '4xx': problem },
    },
  }, async (req, reply) => {
    const b = req.body;
    const r = await c.create(req.params.bus, b.name, b.pattern ?? null, positionOf(b.start ?? 'latest'));
    return reply.code(r.created ? 201 : 200).send(consumerJson(r.consumer));
  });

  app.get<{ Params: { bus: string } }>('/v1/buses/:bus/consumers', {
    config: { scope: 'read' },
    schema: { summary: 'List the durable consumers of a bus with their offsets and lag', tags: ['consumers'], params: busParams, response: { 200: { type: 'object', properties: { items: { type: 'array', items: consumerView } } }, '4xx': problem } },
  }, async (req) => ({ items: (await c.list(req.params.bus)).map(consumerJson) }));

  app.get<{ Params: { bus: string; name: string } }>('/v1/buses/:bus/consumers/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get a durable consumer: its committed offset, the bus head and the lag', tags: ['consumers'], params, response: { 200: consumerView, '4xx': problem } },
  }, async (req) => consumerJson(await c.get(req.params.bus, req.params.name)));

  app.delete<{ Params: { bus: string; name: string } }>('/v1/buses/:bus/consumers/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete a durable consumer', tags: ['consumers'], params, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    await c.delete(req.params.bus, req.params.name);
    return reply.code(204).send();
  });

  app.post<{ Params: { bus: string; name: string }; Body: { max?: number; waitMs?: number } | undefined }>('/v1/buses/:bus/consumers/:name/fetch', {
    config: { scope: 'read' },
    schema: {
      summary: 'Fetch up to `max` events after the committed offset, through the pattern, waiting up to `waitMs` for the first (long poll)', tags: ['consumers'], params,
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: {
          max: { type: 'integer', minimum: 1, maximum: MAX_FETCH, default: 100 },
          waitMs: { type: 'integer', minimum: 0, maximum: MAX_FETCH_WAIT_MS, default: 0 },
        },
      },
      response: { 200: fetchView, '4xx': problem },
    },
  }, async (req, reply) => {
    const b = req.body ?? {};
    const r = await c.fetch(req.params.bus, req.params.name, b.max ?? 100, b.waitMs ?? 0, requestSignal(reply));
    return reply.type('application/json').send(fetchJson(r));
  });

  app.post<{ Params: { bus: string; name: string }; Body: { offset: number } }>('/v1/buses/:bus/consumers/:name/commit', {
    config: { scope: 'read' },
    schema: {
      summary: 'Commit an offset (the sequence of the last event done with); the offset only moves forward', tags: ['consumers'], params,
      body: { type: 'object', additionalProperties: false, required: ['offset'], properties: { offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } } },
      response: { 200: consumerView, '4xx': problem },
    },
  }, async (req) => consumerJson(await c.commit(req.params.bus, req.params.name, req.body.offset)));

  app.post<{ Params: { bus: string; name: string }; Body: { to: PositionBody } }>('/v1/buses/:bus/consumers/:name/reset', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Reset a consumer\'s offset to a start position (earliest, latest, a sequence or a time), backwards or forwards', tags: ['consumers'], params,
      body: { type: 'object', additionalProperties: false, required: ['to'], properties: { to: position } },
      response: { 200: consumerView, '4xx': problem },
    },
  }, async (req) => consumerJson(await c.reset(req.params.bus, req.params.name, positionOf(req.body.to))));
}
