import type { FastifyInstance } from 'fastify';
import { replayView, MAX_REPLAY_RATE, MIN_REPLAY_RATE, type ReplayRequest, type ReplayService } from '../../streams/index.js';
import type { ReplayState } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

const ruleName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const targetId = { type: 'string', minLength: 1, maxLength: 128 } as const;
const replayId = { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } as const;
const STATES = ['running', 'paused', 'completed', 'cancelled', 'failed'] as const;
const boundSchema = {
  description: 'A bus sequence (integer, inclusive) or an RFC 3339 time (receive time; `from` inclusive, `to` exclusive).',
  anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', minLength: 1, maxLength: 64 }],
} as const;

const destination = {
  type: 'object',
  additionalProperties: false,
  description: '`{ "bus" }`: every enabled rule of the bus as it is now; `{ "rule" }`: that rule\'s targets; `{ "rule", "target" }`: that target only.',
  properties: { bus: busName, rule: ruleName, target: targetId },
} as const;

export const replayViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, bus: { type: 'string' }, kind: { type: 'string', enum: ['replay', 'resend'] }, state: { type: 'string', enum: STATES },
    fromSequence: { type: 'integer' }, toSequence: { type: 'integer' },
    pattern: { type: 'object', additionalProperties: true },
    destination: { type: 'object', properties: { bus: { type: 'string' }, rule: { type: 'string' }, target: { type: 'string' } } },
    ratePerSecond: { type: 'number' },
    progress: {
      type: 'object',
      properties: {
        processed: { type: 'integer', description: 'events read so far' }, total: { type: 'integer', description: 'events in the window when the replay started' },
        matched: { type: 'integer' }, enqueued: { type: 'integer', description: 'deliveries enqueued' }, cursor: { type: 'integer' },
        rate: { type: 'number', description: 'events per second since the replay last started running' },
        etaSeconds: { type: ['integer', 'null'] },
      },
    },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' }, finishedAt: { type: 'string', format: 'date-time' },
    error: { type: 'string' },
  },
} as const;

/**
 * Replays and resends (docs/replay.md): start a replay of a bus window, list, get (progress),
 * pause, resume, cancel; resend one stored event to a rule's targets.
 */
export async function replayRoutes(app: FastifyInstance, deps: { replays: ReplayService }): Promise<void> {
  const r = deps.replays;
  const idParams = { type: 'object', properties: { id: replayId }, required: ['id'] } as const;

  app.post<{ Params: { bus: string }; Body: ReplayRequest }>('/v1/buses/:bus/replays', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Start a replay: the window of the bus (and its archives) is matched again and delivered, marked with `swyreplay`',
      tags: ['replays'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      body: {
        type: 'object', additionalProperties: false, required: ['from', 'destination'],
        properties: {
          from: boundSchema, to: boundSchema,
          pattern: { type: 'object', additionalProperties: true, description: 'only events matching this event pattern too' },
          destination,
          ratePerSecond: { type: 'number', minimum: MIN_REPLAY_RATE, maximum: MAX_REPLAY_RATE },
        },
      },
      response: { 202: replayViewSchema, '4xx': problem },
    },
  }, async (req, reply) => reply.code(202).send(replayView(await r.start(req.params.bus, req.body))));

  app.post<{ Params: { bus: string; id: string }; Body: { source?: string; rule: string; target?: string } }>('/v1/buses/:bus/events/:id/resend', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Resend one stored event to a rule\'s targets (or one of them), marked with `swyreplay`: a one-event replay',
      tags: ['replays'],
      params: { type: 'object', properties: { bus: busName, id: { type: 'string', minLength: 1 } }, required: ['bus', 'id'] },
      body: {
        type: 'object', additionalProperties: false, required: ['rule'],
        properties: { rule: ruleName, target: targetId, source: { type: 'string', minLength: 1, description: 'the event\'s source, when ids repeat across sources' } },
      },
      response: { 202: replayViewSchema, '4xx': problem },
    },
  }, async (req, reply) => reply.code(202).send(replayView(await r.resend(req.params.bus, req.params.id, req.body))));

  app.get<{ Querystring: { bus?: string; state?: ReplayState; limit: number } }>('/v1/replays', {
    config: { scope: 'read' },
    schema: {
      summary: 'List replays, newest first',
      tags: ['replays'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { bus: busName, state: { type: 'string', enum: STATES }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: replayViewSchema } } }, '4xx': problem },
    },
  }, async (req) => ({ items: (await r.list(req.query)).map(replayView) }));

  app.get<{ Params: { id: string } }>('/v1/replays/:id', {
    config: { scope: 'read' },
    schema: { summary: 'Get a replay with its progress (processed/total, rate, ETA)', tags: ['replays'], params: idParams, response: { 200: replayViewSchema, '4xx': problem } },
  }, async (req) => replayView(await r.get(req.params.id)));

  for (const [action, summary] of [
    ['pause', 'Pause a running replay (it stops after its current step)'],
    ['resume', 'Resume a paused replay where it stopped'],
    ['cancel', 'Cancel a running or paused replay (deliveries already enqueued stay)'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/v1/replays/:id/${action}`, {
      config: { scope: 'admin' },
      schema: { summary, tags: ['replays'], params: idParams, response: { 200: replayViewSchema, '4xx': problem } },
    }, async (req) => replayView(await r[action](req.params.id)));
  }
}
