import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import { buildTrace } from '../../observe/index.js';
import type { Store } from '../../store/index.js';
import { storedDeliverAt } from '../../ingest/index.js';
import { busName, problem } from '../schemas.js';

export interface TraceRoutesDeps {
  readonly store: Store;
  /** Longest transformed payload shown per target (config observe.tracePayloadBytes). */
  readonly payloadLimit: number;
  /** Largest transformer output computed for a trace (config limits.maxTransformOutputBytes). */
  readonly maxTransformOutputBytes?: number;
}

/** `GET /v1/buses/{bus}/events/{id}/trace`: "what happened to my event?" in one call. */
export async function traceRoutes(app: FastifyInstance, deps: TraceRoutesDeps): Promise<void> {
  app.get<{ Params: { bus: string; id: string }; Querystring: { source?: string; explain?: boolean } }>('/v1/buses/:bus/events/:id/trace', {
    config: { scope: 'read' },
    schema: {
      summary: 'The trace of one event: received, matched rules (explain: why the others did not), per target payload and attempts, final state, timeline',
      tags: ['observe'],
      params: { type: 'object', properties: { bus: busName, id: { type: 'string', minLength: 1 } }, required: ['bus', 'id'] },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          source: { type: 'string', minLength: 1 },
          explain: { type: 'boolean', default: false, description: 'also say why each other rule of the bus does not match' },
        },
      },
      response: { 200: { type: 'object', additionalProperties: true }, '4xx': problem },
    },
  }, async (req, reply) => {
    const { bus, id } = req.params;
    if (await deps.store.catalog.buses.get(bus) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    const e = await deps.store.events.get(bus, id, req.query.source);
    if (e === undefined) throw new SwitchyardError('SWY_STORE_EVENT_NOT_FOUND', `no event "${id}" on bus "${bus}"`);
    const trace = await buildTrace(deps.store.observe, await deps.store.catalog.rules.list(bus), e, {
      explain: req.query.explain === true, payloadLimit: deps.payloadLimit, schemaCheck: await deps.store.catalog.schemas.invalid(bus, e.sequence),
      deliverAt: storedDeliverAt(e.body), transaction: await deps.store.transactions.ofEvent(bus, e.sequence),
      ...(deps.maxTransformOutputBytes === undefined ? {} : { maxTransformOutputBytes: deps.maxTransformOutputBytes }),
    });
    return reply.type('application/json').send(JSON.stringify(trace));
  });
}
