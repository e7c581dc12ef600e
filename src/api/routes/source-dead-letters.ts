import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import type { SourceDeadLetter, Store } from '../../store/index.js';
import { problem } from '../schemas.js';

const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;

const deadLetterView = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, source: { type: 'string' }, code: { type: 'string' }, reason: { type: 'string' }, deadAt: { type: 'string', format: 'date-time' },
    message: {
      type: 'object',
      properties: {
        origin: { type: 'string' }, headers: { type: 'object', additionalProperties: { type: 'string' } }, contentType: { type: ['string', 'null'] },
        body: { type: 'string', description: 'base64' }, truncated: { type: 'boolean' },
      },
    },
  },
} as const;

const view = (d: SourceDeadLetter): Record<string, unknown> => ({ ...d, deadAt: new Date(d.deadAt).toISOString() });

/**
 * The dead letters of a pulling source (`/v1/sources/{name}/dead-letters`, docs/sources.md):
 * broker messages it could not take (poison messages), with the reason, oldest first.
 */
export async function sourceDeadLetterRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  const params = { type: 'object', properties: { name }, required: ['name'] } as const;
  const requireSource = async (n: string): Promise<void> => {
    if ((await deps.store.catalog.sources.get(n)) === undefined) throw new SwitchyardError('SWY_SOURCE_NOT_FOUND', `no source "${n}"`);
  };

  app.get<{ Params: { name: string }; Querystring: { after?: number; limit?: number } }>('/v1/sources/:name/dead-letters', {
    config: { scope: 'read' },
    schema: {
      summary: 'List the messages a source could not take (poison messages), with the reason, oldest first',
      tags: ['sources'], params,
      querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: deadLetterView }, next: { type: 'integer' } } }, '4xx': problem },
    },
  }, async (req) => {
    await requireSource(req.params.name);
    const page = await deps.store.sourceDeadLetters.list(req.params.name, { after: req.query.after, limit: req.query.limit ?? 100 });
    return { items: page.items.map(view), ...(page.next === undefined ? {} : { next: page.next }) };
  });

  app.delete<{ Params: { name: string } }>('/v1/sources/:name/dead-letters', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Purge a source\'s dead letters', tags: ['sources'], params,
      response: { 200: { type: 'object', properties: { purged: { type: 'integer' } } }, '4xx': problem },
    },
  }, async (req) => {
    await requireSource(req.params.name);
    return { purged: await deps.store.sourceDeadLetters.purge(req.params.name) };
  });
}
