import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/index.js';
import type { Dispatcher } from '../../delivery/index.js';

/** What the delivery routes need from the server: the dispatcher (target state, rule changes). */
export interface DeliveryRouteDeps {
  readonly dispatcher: Pick<Dispatcher, 'targets' | 'enable' | 'ruleChanged'>;
  readonly clock: Clock;
}

const RULE = '/v1/buses/:bus/rules/:name';

/**
 * Tells the dispatcher about each successful rule change made through the API (PUT, DELETE,
 * enable, disable), so changed targets, removed targets and deleted rules take effect at once
 * rather than on the next tick. Watching the answers keeps the rule routes unaware of delivery.
 */
export function installRuleSync(app: FastifyInstance, dispatcher: DeliveryRouteDeps['dispatcher']): void {
  app.addHook('onResponse', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined || !url.startsWith(RULE) || reply.statusCode >= 300) return;
    if (url !== RULE && url !== `${RULE}/enable` && url !== `${RULE}/disable`) return;
    if (req.method === 'GET') return;
    const { bus, name } = req.params as { bus: string; name: string };
    dispatcher.ruleChanged(bus, name);
  });
}
