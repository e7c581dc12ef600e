import type { FastifyInstance } from 'fastify';
import { SwitchyardError, type Clock } from '../../core/index.js';
import type { AttemptRecord, DeadLetter, DeadLetterFilter, DeadLetterSummary, Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const targetName = { type: 'string', minLength: 1, maxLength: 128, description: 'Target id; a dead-letter target\'s copies are `<id>#dead-letter`.' } as const;
/** A delivery id: opaque text (a number is accepted too, as ids were integers before). */
const deliveryId = { anyOf: [{ type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, { type: 'integer', minimum: 1 }], description: 'delivery id' } as const;
const time = { type: 'string', description: 'RFC 3339 time or epoch milliseconds' } as const;

const filterProps = {
  bus: busName, rule: name, target: targetName,
  from: { ...time, description: 'dead-lettered at or after (RFC 3339 or epoch ms)' },
  to: { ...time, description: 'dead-lettered before (RFC 3339 or epoch ms)' },
} as const;

const summaryView = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the delivery id (opaque; the receiver saw `dlv_<id>` as its webhook-id)' }, bus: { type: 'string' }, sequence: { type: 'integer' }, eventId: { type: 'string' },
    rule: { type: 'string' }, target: { type: 'string' }, group: { type: ['string', 'null'], description: 'FIFO group key (ordered targets)' },
    createdAt: { type: 'string', format: 'date-time' }, deadAt: { type: 'string', format: 'date-time' },
    attempts: { type: 'integer', description: 'attempts in the last retry budget' }, lastError: { type: ['string', 'null'] },
  },
} as const;

const attemptView = {
  type: 'object',
  properties: {
    at: { type: 'string', format: 'date-time' }, durationMs: { type: 'number' }, ok: { type: 'boolean' }, status: { type: ['integer', 'null'] },
    errorClass: { type: ['string', 'null'] }, message: { type: ['string', 'null'] }, response: { type: ['string', 'null'], description: 'at most 1 KiB of the response body' },
  },
} as const;

const fullView = {
  type: 'object',
  properties: {
    ...summaryView.properties,
    event: { type: ['object', 'null'], additionalProperties: true, description: 'the event in the CloudEvents JSON format, as stored' },
    payload: { type: ['string', 'null'], description: 'the transformed payload that was sent (text)' },
    attemptLog: { type: 'array', items: attemptView, description: 'every attempt, oldest first (also those before a redrive)' },
  },
} as const;

const selection = {
  type: 'object',
  additionalProperties: false,
  description: 'Exactly one of: `ids`, `filter`, `all: true`.',
  properties: {
    ids: { type: 'array', items: deliveryId, minItems: 1, maxItems: 1000 },
    filter: { type: 'object', additionalProperties: false, properties: filterProps },
    all: { type: 'boolean', const: true },
  },
} as const;

interface FilterQuery { bus?: string; rule?: string; target?: string; from?: string; to?: string }
interface Selection { ids?: (string | number)[]; filter?: FilterQuery; all?: true }

function parseTime(field: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new SwitchyardError('SWY_API_INVALID_CURSOR', `${field} must be an RFC 3339 time or epoch milliseconds`, { violations: [{ path: field, reason: 'not a time' }] });
  return ms;
}

function filterOf(q: FilterQuery, at: string): DeadLetterFilter {
  return { bus: q.bus, rule: q.rule, target: q.target, from: parseTime(`${at}/from`, q.from), to: parseTime(`${at}/to`, q.to) };
}

/** The store filter a redrive or purge applies to; exactly one way of selecting is required. */
function selected(s: Selection | undefined): { ids: string[] } | { filter: DeadLetterFilter } {
  const given = [s?.ids, s?.filter, s?.all].filter((x) => x !== undefined).length;
  if (s === undefined || given !== 1) {
    throw new SwitchyardError('SWY_DELIVERY_SELECTION_REQUIRED', 'name the dead letters: exactly one of "ids", "filter" or "all": true', {
      violations: [{ path: '/', reason: given === 0 ? 'none of ids, filter, all given' : 'more than one of ids, filter, all given' }],
    });
  }
  if (s.ids !== undefined) return { ids: s.ids.map(String) };
  return { filter: s.filter === undefined ? {} : filterOf(s.filter, '/filter') };
}

const summaryJson = (d: DeadLetterSummary): Record<string, unknown> => ({
  id: d.id, bus: d.bus, sequence: d.sequence, eventId: d.eventId, rule: d.rule, target: d.target, group: d.group,
  createdAt: iso(d.createdAt), deadAt: iso(d.deadAt), attempts: d.attempts, lastError: d.lastError,
});

const attemptJson = (a: AttemptRecord): Record<string, unknown> => ({
  at: iso(a.at), durationMs: a.durationMs, ok: a.ok, status: a.status, errorClass: a.errorClass, message: a.message, response: a.response,
});

/**
 * A dead letter in full, as JSON text: the stored event is spliced in as stored (byte-exact,
 * numbers beyond double precision included) rather than parsed and re-serialized.
 */
function fullJson(d: DeadLetter): string {
  const rest = JSON.stringify({ ...summaryJson(d), payload: d.payload, attemptLog: d.attemptLog.map(attemptJson) });
  return `{"event":${d.event ?? 'null'},${rest.slice(1)}`;
}

/**
 * Dead letters (DESIGN §8): list with filters and a cursor, get one in full (event, transformed
 * payload, last error, every attempt), redrive (one, by filter, all) and purge.
 */
export async function deadLetterRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): Promise<void> {
  const q = deps.store.deliveries;
  const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['id'] } as const;
  const notFound = (id: string): SwitchyardError => new SwitchyardError('SWY_DELIVERY_DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);

  app.get<{ Querystring: FilterQuery & { after?: string; limit: number } }>('/v1/dead-letters', {
    config: { scope: 'read' },
    schema: {
      summary: 'List dead letters, oldest first, filtered by bus, rule, target and time, with cursor pagination',
      tags: ['dead letters'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          ...filterProps,
          after: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'cursor: the `next` of the previous page' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: summaryView }, next: { type: 'string' } } }, '4xx': problem },
    },
  }, async (req) => {
    const page = await q.listDead(filterOf(req.query, '/querystring'), req.query.limit, req.query.after);
    return { items: page.items.map(summaryJson), ...(page.next === undefined ? {} : { next: page.next }) };
  });

  app.get<{ Params: { id: string } }>('/v1/dead-letters/:id', {
    config: { scope: 'read' },
    schema: { summary: 'Get a dead letter: the event, the transformed payload, the last error and every attempt', tags: ['dead letters'], params: idParams, response: { 200: fullView, '4xx': problem } },
  }, async (req, reply) => {
    const d = await q.getDead(req.params.id);
    if (d === undefined) throw notFound(req.params.id);
    return reply.type('application/json').send(fullJson(d));
  });

  app.post<{ Body: Selection | undefined }>('/v1/dead-letters/redrive', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Redrive dead letters (by ids, by filter, or all): they are due again at once with a fresh retry budget',
      tags: ['dead letters'], body: selection,
      response: { 200: { type: 'object', properties: { redriven: { type: 'integer' } } }, '4xx': problem },
    },
  }, async (req) => ({ redriven: await q.redrive(selected(req.body ?? undefined), deps.clock.now()) }));

  app.post<{ Body: Selection | undefined }>('/v1/dead-letters/purge', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Delete dead letters (by ids, by filter, or all) with their attempts',
      tags: ['dead letters'], body: selection,
      response: { 200: { type: 'object', properties: { purged: { type: 'integer' } } }, '4xx': problem },
    },
  }, async (req) => {
    const s = selected(req.body ?? undefined);
    let purged = 0;
    if ('ids' in s) for (const id of s.ids) purged += await q.purge({ id });
    else purged = await q.purge(s.filter);
    return { purged };
  });

  app.delete<{ Params: { id: string } }>('/v1/dead-letters/:id', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete one dead letter with its attempts', tags: ['dead letters'], params: idParams, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    if ((await q.purge({ id: req.params.id })) === 0) throw notFound(req.params.id);
    return reply.code(204).send();
  });
}
