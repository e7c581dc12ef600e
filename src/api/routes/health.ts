import type { FastifyInstance } from 'fastify';

export interface Readiness {
  /** True once the store is open and the server accepts puts; false while draining. */
  ready(): boolean;
}

export async function healthRoutes(app: FastifyInstance, deps: { readiness: Readiness }): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'Readiness: the store is open and puts are accepted', tags: ['health'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, 503: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async (_req, reply) => (deps.readiness.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'draining' })));
}
