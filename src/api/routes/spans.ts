import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OpenSpan, Tracer } from '../../observe/index.js';

const PUT_HTTP = '/v1/buses/:bus/events';
const PUT_EVENTS = '/v1/events';

function isPut(req: FastifyRequest): boolean {
  const url = req.routeOptions.url;
  return req.method === 'POST' && (url === PUT_HTTP || url === PUT_EVENTS);
}

/**
 * One `switchyard.ingest` span (kind server) per put request, a child of the producer's
 * `traceparent` header when it sent one, ended with the answer's status. Installed only when
 * span export is configured, so with tracing off the put routes carry no hook.
 */
export function installIngestSpans(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<object, OpenSpan>();
  app.addHook('onRequest', async (req) => {
    if (!isPut(req)) return;
    const tp = req.headers.traceparent;
    const bus = (req.params as { bus?: string } | undefined)?.bus;
    spans.set(req.raw, tracer.start('switchyard.ingest', 2, typeof tp === 'string' ? tp : undefined, {
      'http.request.method': 'POST', 'http.route': req.routeOptions.url ?? '', ...(bus === undefined ? {} : { 'switchyard.bus': bus }),
    }));
  });
  app.addHook('onResponse', async (req, reply) => {
    const span = spans.get(req.raw);
    if (span === undefined) return;
    spans.delete(req.raw);
    span.end({ 'http.response.status_code': reply.statusCode }, reply.statusCode >= 400 ? `HTTP ${reply.statusCode}` : undefined);
  });
}
