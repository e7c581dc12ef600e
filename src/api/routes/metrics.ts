import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SwitchyardMetrics } from '../../observe/index.js';

/** Bus label of a refusal: an unknown bus name is not a label (callers could mint unbounded series). */
const busLabel = (bus: unknown, reason: string): string => (typeof bus !== 'string' || reason === 'SWY_STORE_BUS_NOT_FOUND' ? '' : bus);

const PUT_HTTP = '/v1/buses/:bus/events';
const PUT_EVENTS = '/v1/events';

function putRoute(req: FastifyRequest): 'http' | 'put-events' | undefined {
  if (req.method !== 'POST') return undefined;
  const url = req.routeOptions.url;
  return url === PUT_HTTP ? 'http' : url === PUT_EVENTS ? 'put-events' : undefined;
}

/**
 * `GET /metrics` (Prometheus text format) and the API side of the ingest metrics: request
 * latency of the put routes and refusals by error code (the put path itself counts stored
 * events, duplicates and rule matches). Hooks are added to `app` itself, so call this on the
 * root instance, not inside an encapsulated plugin.
 */
export function installMetrics(app: FastifyInstance, metrics: SwitchyardMetrics): void {
  const codes = new WeakMap<object, string>();
  app.addHook('onError', async (req, _reply, err) => {
    if (putRoute(req) !== undefined) codes.set(req.raw, (err as { code?: string }).code ?? 'unknown');
  });
  // PutEvents answers 200 with per-entry errors: count each refused entry under its own bus.
  app.addHook('preSerialization', async (req, _reply, payload) => {
    if (putRoute(req) !== 'put-events') return payload;
    const results = (payload as { results?: readonly { error?: { code?: string } }[] }).results;
    const entries = (req.body as { entries?: readonly { bus?: unknown }[] } | undefined)?.entries;
    results?.forEach((r, i) => {
      if (r.error === undefined) return;
      const reason = r.error.code ?? 'unknown';
      metrics.rejected.inc({ bus: busLabel(entries?.[i]?.bus ?? 'default', reason), reason });
    });
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = putRoute(req);
    if (route === undefined) return;
    metrics.ingestSeconds.observe({ route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) {
      const reason = codes.get(req.raw) ?? `http_${reply.statusCode}`;
      metrics.rejected.inc({ bus: route === 'http' ? busLabel((req.params as { bus?: string }).bus, reason) : '', reason });
    }
  });
  app.get('/metrics', { config: { scope: 'read' }, schema: { summary: 'Prometheus metrics (text exposition format); see docs/metrics.md', tags: ['observe'] } }, async (_req, reply) => {
    const text = await metrics.scrape();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
