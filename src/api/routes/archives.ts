import type { FastifyInstance } from 'fastify';
import { MAX_ARCHIVE_RETENTION_MS, type ArchiveInput, type ArchiveService } from '../../streams/index.js';
import type { ArchiveRecord, ArchiveStats } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

const archiveName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const iso = (ms: number): string => new Date(ms).toISOString();

const archiveView = {
  type: 'object',
  properties: {
    bus: { type: 'string' }, name: { type: 'string' }, description: { type: ['string', 'null'] },
    pattern: { type: ['object', 'null'], additionalProperties: true },
    retentionMs: { type: ['integer', 'null'], description: 'null: kept forever' },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
    events: { type: 'integer', description: 'archived events held now (get only)' }, bytes: { type: 'integer' },
  },
} as const;

const json = (a: ArchiveRecord, stats?: ArchiveStats): Record<string, unknown> => ({
  bus: a.bus, name: a.name, description: a.description, pattern: a.pattern ?? null, retentionMs: a.retentionMs,
  createdAt: iso(a.createdAt), updatedAt: iso(a.updatedAt), ...(stats === undefined ? {} : { events: stats.events, bytes: stats.bytes }),
});

/** Archives of a bus (docs/replay.md): put (create or replace), list, get (with counts), delete. */
export async function archiveRoutes(app: FastifyInstance, deps: { archives: ArchiveService }): Promise<void> {
  const s = deps.archives;
  const params = { type: 'object', properties: { bus: busName, name: archiveName }, required: ['bus', 'name'] } as const;

  app.put<{ Params: { bus: string; name: string }; Body: ArchiveInput }>('/v1/buses/:bus/archives/:name', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create or replace an archive: a filtered copy of the bus kept for its own retention (or forever), read by replays',
      tags: ['archives'], params,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          description: { type: ['string', 'null'], maxLength: 512 },
          pattern: { type: ['object', 'null'], additionalProperties: true, description: 'archive only events matching this event pattern; absent: every event' },
          retentionMs: { type: ['integer', 'null'], minimum: 1000, maximum: MAX_ARCHIVE_RETENTION_MS, description: 'absent or null: forever' },
        },
      },
      response: { 200: archiveView, 201: archiveView, '4xx': problem },
    },
  }, async (req, reply) => {
    const { archive, created } = await s.put(req.params.bus, req.params.name, req.body ?? {});
    return reply.code(created ? 201 : 200).send(json(archive));
  });

  app.get<{ Params: { bus: string } }>('/v1/buses/:bus/archives', {
    config: { scope: 'read' },
    schema: {
      summary: 'List the archives of a bus', tags: ['archives'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: archiveView } } }, '4xx': problem },
    },
  }, async (req) => ({ items: (await s.list(req.params.bus)).map((a) => json(a)) }));

  app.get<{ Params: { bus: string; name: string } }>('/v1/buses/:bus/archives/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get an archive with the count and size of its events', tags: ['archives'], params, response: { 200: archiveView, '4xx': problem } },
  }, async (req) => {
    const { archive, stats } = await s.get(req.params.bus, req.params.name);
    return json(archive, stats);
  });

  app.delete<{ Params: { bus: string; name: string } }>('/v1/buses/:bus/archives/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete an archive and its archived events', tags: ['archives'], params, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    await s.delete(req.params.bus, req.params.name);
    return reply.code(204).send();
  });
}
