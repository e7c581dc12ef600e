import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import { versionUrn, type SchemaRegistry } from '../../schemas/index.js';
import type { EventTypeKey, EventTypeRecord, Store } from '../../store/index.js';
import { BUS_NAME, busName, cloudEvent, problem } from '../schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Page cursors are the last row's (bus, source, type), as base64url JSON: opaque to clients. */
export function encodeCursor(k: EventTypeKey): string {
  return Buffer.from(JSON.stringify([k.bus, k.source, k.type])).toString('base64url');
}

const badCursor = (): SwitchyardError => new SwitchyardError('SWY_API_INVALID_CURSOR', 'after must be the `next` of a previous catalogue page', {
  violations: [{ path: '/querystring/after', reason: 'not a catalogue cursor' }],
});

export function decodeCursor(text: string): EventTypeKey {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string')) throw badCursor();
  const [bus, source, type] = v as [string, string, string];
  if (!BUS_NAME.test(bus)) throw badCursor();
  return { bus, source, type };
}

const schemaView = {
  type: ['object', 'null'],
  description: 'The registered schema that applies to the pair (scoped to the source, else unscoped), looked up when read; null when none',
  properties: {
    name: { type: 'string' }, source: { type: ['string', 'null'], description: 'the source scope, null when unscoped' },
    latestVersion: { type: 'integer' }, dataschema: { type: 'string', description: 'urn:switchyard:schema:<name>:<version> of the latest version' },
    code: { type: 'string', description: 'path of the generated TypeScript of the latest version' },
  },
} as const;

const itemView = {
  type: 'object',
  properties: {
    bus: { type: 'string' }, source: { type: 'string' }, type: { type: 'string' },
    count: { type: 'integer', description: 'events of the pair stored since the bus was created (the retention sweep does not lower it; duplicates are not counted)' },
    firstSeen: { type: 'string', format: 'date-time' }, lastSeen: { type: 'string', format: 'date-time' },
    sample: {
      type: 'object',
      description: 'the newest event of the pair, byte-exact as stored; `event` is null when the event is longer than 16 KiB (read it by `id`)',
      properties: { sequence: { type: 'integer' }, id: { type: 'string' }, event: { ...cloudEvent, type: ['object', 'null'] } },
    },
    schema: schemaView,
  },
} as const;

interface CatalogQuery {
  bus?: string;
  source?: string;
  type?: string;
  after?: string;
  limit: number;
}

/**
 * The event catalogue (issue 19 item 9): per bus, every (source, type) seen with its counts,
 * first and last seen, its newest event and its registered schema. Kept by the store at ingest;
 * the schema is looked up in the registry (memory) when read.
 */
export async function catalogRoutes(app: FastifyInstance, deps: { store: Store; registry: Pick<SchemaRegistry, 'applicable'> }): Promise<void> {
  const schemaJson = (r: EventTypeRecord): string => {
    const v = deps.registry.applicable(r.type, r.source);
    if (v === undefined) return 'null';
    const scope = v.source === null ? '' : `?source=${encodeURIComponent(v.source)}`;
    const code = `/v1/schemas/${encodeURIComponent(v.name)}/versions/${v.version}/code${scope === '' ? '?' : `${scope}&`}lang=typescript`;
    return JSON.stringify({ name: v.name, source: v.source, latestVersion: v.version, dataschema: versionUrn(v.name, v.version), code });
  };
  // The sample is spliced in as stored, so its data reaches the client byte-exact (big numbers too).
  const itemJson = (r: EventTypeRecord): string => `{"bus":${JSON.stringify(r.bus)},"source":${JSON.stringify(r.source)},"type":${JSON.stringify(r.type)},`
    + `"count":${r.count},"firstSeen":"${iso(r.firstSeen)}","lastSeen":"${iso(r.lastSeen)}",`
    + `"sample":{"sequence":${r.sample.sequence},"id":${JSON.stringify(r.sample.id)},"event":${r.sample.body ?? 'null'}},"schema":${schemaJson(r)}}`;

  app.get<{ Querystring: CatalogQuery }>('/v1/catalog', {
    config: { scope: 'read' },
    schema: {
      summary: 'The event catalogue: every (source, type) seen per bus, with counts, first and last seen, a sample event and its registered schema',
      tags: ['catalog'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          bus: busName,
          source: { type: 'string', minLength: 1, maxLength: 1024, description: 'only sources starting with this (case-sensitive, taken literally)' },
          type: { type: 'string', minLength: 1, maxLength: 1024, description: 'only types starting with this (case-sensitive, taken literally)' },
          after: { type: 'string', minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9_-]+$', description: 'cursor: the `next` of the previous page' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: itemView },
            overflow: {
              type: 'array',
              description: 'per bus (all, or the one asked for) with events of pairs beyond catalog.maxTypesPerBus: `types` held and `overflow`, the events of pairs not listed',
              items: { type: 'object', properties: { bus: { type: 'string' }, types: { type: 'integer' }, overflow: { type: 'integer' } } },
            },
            next: { type: 'string' },
          },
        },
        '4xx': problem,
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const after = q.after === undefined ? undefined : decodeCursor(q.after);
    const page = await deps.store.eventTypes.list({ bus: q.bus, sourcePrefix: q.source, typePrefix: q.type, after, limit: q.limit });
    const overflow = (await deps.store.eventTypes.summary(q.bus)).filter((s) => s.overflow > 0);
    const next = page.next === undefined ? '' : `,"next":"${encodeCursor(page.next)}"`;
    return reply.type('application/json').send(`{"items":[${page.items.map(itemJson).join(',')}],"overflow":${JSON.stringify(overflow)}${next}}`);
  });
}
