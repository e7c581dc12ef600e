import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopback } from '../../config/index.js';
import { handshake, presetNames, verifierKinds, type SourceManager } from '../../sources/index.js';
import { problem } from '../schemas.js';
import { originOf } from './events.js';

export interface SourceRouteDeps {
  readonly sources: SourceManager;
  readonly maxRequestBytes: number;
}

const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const params = { type: 'object', properties: { name }, required: ['name'] } as const;

const sourceView = {
  type: 'object',
  description: 'A source: its settings (kind-specific ones at the top level; connections are named, secrets never shown), status and counters.',
  additionalProperties: true,
  properties: {
    name: { type: 'string' }, kind: { type: 'string' }, bus: { type: 'string' }, description: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['running', 'paused'] },
    mapping: {},
    status: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: ['running', 'paused', 'failing'] }, since: { type: 'string', format: 'date-time' }, lastError: { type: 'string' },
        lastRejection: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, reason: { type: 'string' } } },
      },
    },
    counters: {
      type: 'object',
      properties: { received: { type: 'integer' }, put: { type: 'integer' }, rejected: { type: 'integer' }, lastEventAt: { type: ['string', 'null'], format: 'date-time' } },
    },
    webhookPath: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const putResults = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, source: { type: 'string' }, sequence: { type: 'integer' }, duplicate: { type: 'boolean' } } },
    },
  },
} as const;

/** True when the request arrived over the loopback interface (the socket's peer, never a forwarded header). */
function fromLoopback(req: FastifyRequest): boolean {
  const a = req.raw.socket.remoteAddress ?? '';
  return isLoopback(a.startsWith('::ffff:') ? a.slice(7) : a);
}

function queryOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const q = req.query as Record<string, unknown> | undefined;
  if (q !== undefined && q !== null) for (const [k, v] of Object.entries(q)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Event sources (`/v1/sources`, docs/sources.md) and the webhook route of webhook sources, which
 * needs no API key: each source's own verification authenticates its requests. The CloudEvents
 * webhook validation handshake (OPTIONS) is answered on the webhook route and the put route.
 */
export async function sourceRoutes(app: FastifyInstance, deps: SourceRouteDeps): Promise<void> {
  const s = deps.sources;

  app.get('/v1/sources', {
    config: { scope: 'read' },
    schema: { summary: 'List event sources with their status and counters', tags: ['sources'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: sourceView } } } } },
  }, async () => ({ items: await s.list() }));

  app.put<{ Params: { name: string }; Body: unknown }>('/v1/sources/:name', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create or replace an event source',
      tags: ['sources'], params,
      body: {
        type: 'object',
        description: `{ "kind": "webhook", "bus", "verify": { "kind": ${verifierKinds().map((k) => `"${k}"`).join(' | ')}, "connection"?, … }, "mapping"?: { "preset"?: ${presetNames().map((p) => `"${p}"`).join(' | ')}, "id"?, "type"?, "source"?, "subject"?, "time"?, "extensions"?, "data"? }, "description"?, "state"?: "running"|"paused" } (docs/sources.md)`,
        required: ['kind', 'bus'],
        properties: { kind: { type: 'string' }, bus: { type: 'string' }, description: { type: ['string', 'null'] }, state: { type: 'string', enum: ['running', 'paused'] }, mapping: {} },
        additionalProperties: true,
      },
      response: { 200: sourceView, 201: sourceView, '4xx': problem },
    },
  }, async (req, reply) => {
    const { source, created } = await s.put(req.params.name, req.body);
    return reply.code(created ? 201 : 200).send(source);
  });

  app.get<{ Params: { name: string } }>('/v1/sources/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get an event source with its status and counters', tags: ['sources'], params, response: { 200: sourceView, '4xx': problem } },
  }, async (req) => s.get(req.params.name));

  app.delete<{ Params: { name: string } }>('/v1/sources/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete an event source', tags: ['sources'], params, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    await s.delete(req.params.name);
    return reply.code(204).send();
  });

  for (const [verb, state] of [['pause', 'paused'], ['resume', 'running']] as const) {
    app.post<{ Params: { name: string } }>(`/v1/sources/:name/${verb}`, {
      config: { scope: 'admin' },
      schema: { summary: verb === 'pause' ? 'Pause an event source (its webhook answers 503; a pulling source stops taking messages)' : 'Resume a paused event source', tags: ['sources'], params, response: { 200: sourceView, '4xx': problem } },
    }, async (req) => s.setState(req.params.name, state));
  }

  // The webhook route takes any body as raw bytes (the verifiers sign bytes, the data is kept
  // byte-exact); fastify's own media-type check is kept off it as on the put route.
  await app.register(async (hook) => {
    const contentTypes = new WeakMap<object, string>();
    hook.addHook('onRequest', (req, _reply, done) => {
      const ct = req.raw.headers['content-type'];
      if (ct !== undefined) {
        contentTypes.set(req.raw, ct);
        req.raw.headers['content-type'] = 'application/octet-stream';
      }
      done();
    });
    hook.removeAllContentTypeParsers();
    hook.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxRequestBytes }, (_req, body, done) => done(null, body));
    hook.post<{ Params: { name: string } }>('/v1/sources/:name/webhook', {
      bodyLimit: deps.maxRequestBytes,
      schema: {
        summary: 'Receive a webhook for a webhook source: verified by the source (no API key), mapped to a CloudEvent (or taken as one) and put on its bus',
        tags: ['sources'], params,
        response: { 200: { description: 'A provider URL challenge answered', type: 'object', additionalProperties: true }, 202: putResults, '4xx': problem, '5xx': problem },
      },
    }, async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const client = originOf(req);
      const answer = await s.webhook(req.params.name, {
        method: req.method, headers: req.raw.headers, query: queryOf(req), body, client: client.client ?? req.ip, loopback: fromLoopback(req),
        contentType: contentTypes.get(req.raw), traceparent: client.traceparent,
      });
      if (answer.type === 'reply') return reply.code(answer.reply.status).type(answer.reply.contentType).send(answer.reply.body);
      return reply.code(202).send({ results: answer.results });
    });
  });

  const handshakeRoute = (url: string, summary: string, paramsSchema: object): void => {
    app.options(url, {
      schema: {
        summary, tags: ['sources'], params: paramsSchema,
        headers: { type: 'object', properties: { 'webhook-request-origin': { type: 'string' }, 'webhook-request-rate': { type: 'string' } } },
        response: { 200: { type: 'null', description: 'WebHook-Allowed-Origin (and WebHook-Allowed-Rate) in the headers' }, 204: { type: 'null', description: 'Not a handshake (no WebHook-Request-Origin): the allowed methods' }, '4xx': problem },
      },
    }, async (req, reply) => {
      const h = handshake(req.headers);
      if (h === undefined) return reply.code(204).header('allow', 'POST, OPTIONS').send();
      return reply.code(200).headers(h.headers).send();
    });
  };
  handshakeRoute('/v1/sources/:name/webhook', 'CloudEvents webhook validation handshake (WebHook-Request-Origin → WebHook-Allowed-Origin) for a webhook source', params);
  handshakeRoute('/v1/buses/:bus/events', 'CloudEvents webhook validation handshake (WebHook-Request-Origin → WebHook-Allowed-Origin) for the put route', { type: 'object', properties: { bus: { type: 'string' } }, required: ['bus'] });
}
