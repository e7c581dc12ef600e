import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenSpan, Tracer } from '../../observe/index.js';
import { addRouteHook, onPutRoutes } from './route-hooks.js';

/**
 * One `switchyard.ingest` span (kind server) per put request, a child of the producer's
 * `traceparent` header when it sent one, ended with the answer's status. Installed only when
 * span export is configured, and only on the put routes, so with tracing off nothing runs.
 */
export function installIngestSpans(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<object, OpenSpan>();
  onPutRoutes(app, (_route, opts) => {
    addRouteHook(opts, 'onRequest', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
      const tp = req.headers.traceparent;
      const bus = (req.params as { bus?: string } | undefined)?.bus;
      spans.set(req.raw, tracer.start('switchyard.ingest', 2, typeof tp === 'string' ? tp : undefined, {
        'http.request.method': 'POST', 'http.route': opts.url, ...(bus === undefined ? {} : { 'switchyard.bus': bus }),
      }));
      done();
    });
    addRouteHook(opts, 'onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const span = spans.get(req.raw);
      if (span !== undefined) {
        spans.delete(req.raw);
        span.end({ 'http.response.status_code': reply.statusCode }, reply.statusCode >= 400 ? `HTTP ${reply.statusCode}` : undefined);
      }
      done();
    });
  });
}
