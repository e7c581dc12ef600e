import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import type { BusRecord, Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

const retention = {
  type: 'object',
  additionalProperties: false,
  description: 'Events older than maxAgeMs or beyond the newest maxCount are removed by the retention sweep; null = no limit of that kind.',
  properties: {
    maxAgeMs: { type: ['integer', 'null'], minimum: 60000 },
    maxCount: { type: ['integer', 'null'], minimum: 1 },
  },
} as const;

const bus = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    retention,
    lastSequence: { type: 'integer' },
  },
} as const;

const view = (b: BusRecord): Record<string, unknown> => ({
  name: b.name,
  description: b.description,
  createdAt: new Date(b.createdAt).toISOString(),
  retention: b.retention,
  lastSequence: b.nextSequence - 1,
});

export async function busRoutes(app: FastifyInstance, deps: { store: Store; defaultMaxAgeMs: number }): Promise<void> {
  app.get('/v1/buses', {
    config: { scope: 'read' },
    schema: { summary: 'List buses', tags: ['buses'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: bus } } } } },
  }, async () => ({ items: (await deps.store.catalog.buses.list()).map(view) }));

  app.post<{ Body: { name: string; description?: string; retention?: { maxAgeMs?: number | null; maxCount?: number | null } } }>('/v1/buses', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create a bus',
      tags: ['buses'],
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: busName, description: { type: 'string', maxLength: 1024 }, retention },
      },
      response: { 201: bus, '4xx': problem },
    },
  }, async (req, reply) => {
    const r = req.body.retention ?? {};
    const created = await deps.store.catalog.buses.create({
      name: req.body.name,
      description: req.body.description ?? null,
      retention: {
        maxAgeMs: r.maxAgeMs === undefined ? (r.maxCount === undefined ? deps.defaultMaxAgeMs : null) : r.maxAgeMs,
        maxCount: r.maxCount ?? null,
      },
    });
    return reply.code(201).header('location', `/v1/buses/${created.name}`).send(view(created));
  });

  app.get<{ Params: { bus: string } }>('/v1/buses/:bus', {
    config: { scope: 'read' },
    schema: { summary: 'Get a bus', tags: ['buses'], params: { type: 'object', properties: { bus: busName }, required: ['bus'] }, response: { 200: bus, '4xx': problem } },
  }, async (req) => {
    const b = await deps.store.catalog.buses.get(req.params.bus);
    if (b === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${req.params.bus}" does not exist`);
    return view(b);
  });

  app.patch<{ Params: { bus: string }; Body: { description?: string | null; retention?: { maxAgeMs?: number | null; maxCount?: number | null } } }>('/v1/buses/:bus', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Update a bus: its description and retention (a retention change applies at the next sweep)',
      tags: ['buses'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      body: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          description: { type: ['string', 'null'], maxLength: 1024 },
          retention: { ...retention, description: `${retention.description} A limit left out keeps its current value.` },
        },
      },
      response: { 200: bus, '4xx': problem },
    },
  }, async (req) => {
    const { bus: name } = req.params;
    const current = await deps.store.catalog.buses.get(name);
    if (current === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${name}" does not exist`);
    const r = req.body.retention;
    const updated = await deps.store.catalog.buses.update(name, {
      ...(req.body.description === undefined ? {} : { description: req.body.description }),
      ...(r === undefined ? {} : { retention: { maxAgeMs: r.maxAgeMs === undefined ? current.retention.maxAgeMs : r.maxAgeMs, maxCount: r.maxCount === undefined ? current.retention.maxCount : r.maxCount } }),
    });
    // Deleted between the read and the write.
    if (updated === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${name}" does not exist`);
    return view(updated);
  });

  app.delete<{ Params: { bus: string } }>('/v1/buses/:bus', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete a bus and all its events', tags: ['buses'], params: { type: 'object', properties: { bus: busName }, required: ['bus'] }, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    if (!await deps.store.catalog.buses.delete(req.params.bus)) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${req.params.bus}" does not exist`);
    return reply.code(204).send();
  });
}
