import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tracer } from '../../observe/index.js';
import { addRouteHook, isPutRequest, onPutRoutes } from './route-hooks.js';

/**
 * One ingest span, `send <bus>` (kind server), per put request, a child of the producer's
 * `traceparent` header when it sent one, ended with the answer's status. Installed only when
 * span export is configured, and only on the put routes, so with tracing off nothing runs. The
 * span is recorded whole when the answer has gone (its start is the request's arrival, from
 * fastify's own timer): one hook per request and no per-request state kept on the side.
 */
export function installIngestSpans(app: FastifyInstance, tracer: Tracer): void {
  onPutRoutes(app, (route, opts) => {
    const url = opts.url;
    addRouteHook(opts, 'onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (!isPutRequest(route, req.headers)) {
        done();
        return;
      }
      const tp = req.headers.traceparent;
      const end = tracer.now();
      const bus = route === 'http' ? (req.params as { bus: string }).bus : undefined;
      tracer.ingest(typeof tp === 'string' ? tp : undefined, end - reply.elapsedTime, end, route === 'aws-put-events' ? '/ (AWSEvents.PutEvents)' : url, reply.statusCode, bus);
      done();
    });
  });
}
