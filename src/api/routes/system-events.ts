import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SystemEvents } from '../../observe/index.js';
import { addRouteHook, onRoutesUnder } from './route-hooks.js';

const RULE = '/v1/buses/:bus/rules/:name';

/**
 * Puts a `switchyard.rule.*` system event after each successful rule change made through the
 * API: PUT (201 created, 200 changed), enable/disable (changed), DELETE (deleted). Watching the
 * answers keeps the rules routes unaware of system events; the hook is attached to the rule
 * routes only (call before the routes are registered).
 */
export function installRuleEvents(app: FastifyInstance, events: SystemEvents): void {
  onRoutesUnder(app, RULE, (opts) => {
    const url = opts.url;
    addRouteHook(opts, 'onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const { bus, name } = req.params as { bus: string; name: string };
      const s = reply.statusCode;
      if (req.method === 'PUT' && url === RULE && (s === 200 || s === 201)) events.ruleChanged(s === 201 ? 'created' : 'changed', bus, name);
      else if (req.method === 'DELETE' && url === RULE && s === 204) events.ruleChanged('deleted', bus, name);
      else if (req.method === 'POST' && (url === `${RULE}/enable` || url === `${RULE}/disable`) && s === 200) {
        events.ruleChanged('changed', bus, name, { state: url.endsWith('/enable') ? 'enabled' : 'disabled' });
      }
      done();
    });
  });
}
