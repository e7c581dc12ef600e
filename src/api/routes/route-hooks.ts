import type { FastifyInstance, RouteOptions } from 'fastify';

/** Which put route: the CloudEvents HTTP binding, PutEvents, or the AWS EventBridge API's PutEvents. */
export type PutRoute = 'http' | 'put-events' | 'aws-put-events';

/** `POST /` is the AWS EventBridge API (src/api/aws): a put only when its operation is PutEvents. */
const PUT_ROUTES: Readonly<Record<string, PutRoute>> = { '/v1/buses/:bus/events': 'http', '/v1/events': 'put-events', '/': 'aws-put-events' };

/** True for a request of a put route that is a put (every request but the AWS API's other operations). */
export function isPutRequest(route: PutRoute, headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return route !== 'aws-put-events' || headers['x-amz-target'] === 'AWSEvents.PutEvents';
}

type HookName = 'onRequest' | 'onResponse' | 'onError' | 'preSerialization';

/**
 * Calls `attach` for each put route as it is added (fastify's onRoute hook; inherited by
 * encapsulated plugins), so observability hooks live on those routes only and every other
 * route runs none. Must be called before the routes are registered.
 */
export function onPutRoutes(app: FastifyInstance, attach: (route: PutRoute, opts: RouteOptions) => void): void {
  app.addHook('onRoute', (opts) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    const route = PUT_ROUTES[opts.url];
    if (route !== undefined && methods.includes('POST')) attach(route, opts);
  });
}

/** Appends a callback-style hook to a route's own hooks (keeping any it already has). */
export function addRouteHook(opts: RouteOptions, name: HookName, hook: (...args: never[]) => void): void {
  const o = opts as unknown as Record<HookName, unknown>;
  const current = o[name];
  o[name] = current === undefined ? [hook] : Array.isArray(current) ? [...(current as unknown[]), hook] : [current, hook];
}
