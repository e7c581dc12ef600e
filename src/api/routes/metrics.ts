import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addRouteHook, isPutRequest, onPutRoutes } from './route-hooks.js';
import type { SwitchyardMetrics } from '../../observe/index.js';

/** Bus label of a refusal: an unknown bus name is not a label (callers could mint unbounded series). */
const busLabel = (bus: unknown, reason: string): string => (typeof bus !== 'string' || reason === 'SWY_STORE_BUS_NOT_FOUND' ? '' : bus);

/**
 * `GET /metrics` (Prometheus text format) and the API side of the ingest metrics: request
 * latency of the put routes and refusals by error code (the put path itself counts stored
 * events, duplicates and rule matches). The hooks are attached to the put routes only (as
 * they are added, through onRoute), so no other route runs them; call this on the root
 * instance before the routes are registered.
 */
export function installMetrics(app: FastifyInstance, metrics: SwitchyardMetrics): void {
  const codes = new WeakMap<object, string>();
  onPutRoutes(app, (route, opts) => {
    addRouteHook(opts, 'onError', (req: FastifyRequest, _reply: FastifyReply, err: FastifyError, done: () => void) => {
      codes.set(req.raw, err.code ?? 'unknown');
      done();
    });
    if (route === 'put-events') {
      // PutEvents answers 200 with per-entry errors: count each refused entry under its own bus.
      addRouteHook(opts, 'preSerialization', (req: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
        const results = (payload as { results?: readonly { error?: { code?: string } }[] }).results;
        const entries = (req.body as { entries?: readonly { bus?: unknown }[] } | undefined)?.entries;
        results?.forEach((r, i) => {
          if (r.error === undefined) return;
          const reason = r.error.code ?? 'unknown';
          metrics.rejected.inc({ bus: busLabel(entries?.[i]?.bus ?? 'default', reason), reason });
        });
        done(null, payload);
      });
    }
    const labels = { route };
    addRouteHook(opts, 'onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (!isPutRequest(route, req.headers)) {
        done();
        return;
      }
      metrics.ingestSeconds.observe(labels, reply.elapsedTime / 1000);
      if (reply.statusCode >= 400) {
        const reason = codes.get(req.raw) ?? `http_${reply.statusCode}`;
        metrics.rejected.inc({ bus: route === 'http' ? busLabel((req.params as { bus?: string }).bus, reason) : '', reason });
      }
      done();
    });
  });
  app.get('/metrics', { config: { scope: 'read' }, schema: { summary: 'Prometheus metrics (text exposition format); see docs/metrics.md', tags: ['observe'] } }, async (_req, reply) => {
    const text = await metrics.scrape();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
