import type { FastifyInstance } from 'fastify';

/** Why the server does or does not take puts now. */
export type ReadinessStatus = 'ready' | 'draining' | 'store-unwritable';

export interface Readiness {
  /**
   * `ready` once the store is open and the server accepts puts; `draining` while starting or
   * stopping; `store-unwritable` while puts fail because the store cannot write (disk full).
   */
  status(): ReadinessStatus;
}

const statusBody = { type: 'object', properties: { status: { type: 'string', enum: ['ready', 'draining', 'store-unwritable'] } } } as const;

export async function healthRoutes(app: FastifyInstance, deps: { readiness: Readiness }): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'Readiness: the store is open and puts are accepted', description: '503 while starting, draining, or while the store cannot write (disk full).', tags: ['health'], response: { 200: statusBody, 503: statusBody } } },
    async (_req, reply) => {
      const status = deps.readiness.status();
      return status === 'ready' ? { status } : reply.code(503).send({ status });
    });
}
