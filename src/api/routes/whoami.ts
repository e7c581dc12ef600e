import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import { credentialsReader, type Scope } from '../auth.js';
import { problem } from '../schemas.js';

/**
 * `GET /v1/whoami`: what the caller's credentials allow, so a client (the console) offers only
 * what its key may do. With no keys configured every call is allowed (`auth: none`).
 */
export async function whoamiRoutes(app: FastifyInstance, deps: { apiKeys: Readonly<Record<string, readonly Scope[]>> }): Promise<void> {
  const read = credentialsReader(deps.apiKeys);
  app.get('/v1/whoami', {
    schema: {
      summary: 'The scopes of the caller\'s API key (auth: key), or every scope when no keys are configured (auth: none)',
      tags: ['auth'],
      response: {
        200: { type: 'object', properties: { auth: { type: 'string', enum: ['none', 'key'] }, scopes: { type: 'array', items: { type: 'string', enum: ['admin', 'put', 'read'] } } } },
        '4xx': problem,
      },
    },
  }, async (req) => {
    const c = read(req.headers.authorization);
    if (c === undefined) throw new SwitchyardError('SWY_API_UNAUTHORIZED', 'a valid API key is required (Authorization: Bearer <key>)');
    return c.auth === 'none' ? { auth: 'none', scopes: ['admin', 'put', 'read'] } : { auth: 'key', scopes: c.scopes };
  });
}
