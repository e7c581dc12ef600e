import type { FastifyInstance } from 'fastify';
import { SwitchyardError, type Clock } from '../../core/index.js';
import type { Dispatcher, TargetStatus } from '../../delivery/index.js';
import type { Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

/** What the delivery routes need from the server: the dispatcher (target state; it follows rule changes itself). */
export interface DeliveryRouteDeps {
  readonly dispatcher: Pick<Dispatcher, 'targets' | 'enable'>;
  readonly clock: Clock;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const ruleName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;

const statusView = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string' },
    state: { type: 'string', enum: ['enabled', 'disabled'], description: 'disabled: it failed without a success for delivery.disableAfterMs; its deliveries are dead-lettered until enabled' },
    health: { type: 'string', enum: ['healthy', 'failing', 'disabled'] },
    breaker: {
      type: 'object',
      description: '{ "type": "closed", "consecutiveFailures" } | { "type": "open", "until" } | { "type": "half-open" }',
      properties: { type: { type: 'string', enum: ['closed', 'open', 'half-open'] }, consecutiveFailures: { type: 'integer' }, until: { type: 'string', format: 'date-time' } },
    },
    failingSince: { type: ['string', 'null'], format: 'date-time' }, disabledAt: { type: ['string', 'null'], format: 'date-time' },
    inFlight: { type: 'integer' },
    deliveries: {
      type: 'object',
      description: 'The queue\'s counts: `pending` (not finished and not leased: due, retrying later, or queued behind its FIFO group\'s head), `inFlight` (leased: being sent, or held by a lease not ended yet), `dead` (dead letters); backends may add more',
      properties: {
        pending: { type: 'integer' }, inFlight: { type: 'integer' }, dead: { type: 'integer' },
        waiting: { type: 'integer', description: 'the part of `pending` queued behind the head of its FIFO group (SQLite)' },
      },
    },
  },
} as const;

function statusJson(s: TargetStatus): Record<string, unknown> {
  const b = s.breaker;
  return {
    id: s.id, kind: s.kind, state: s.state,
    health: s.disabledAt !== null ? 'disabled' : s.failingSince !== null ? 'failing' : 'healthy',
    breaker: b.type === 'open' ? { type: 'open', until: new Date(b.until).toISOString() } : b,
    failingSince: iso(s.failingSince), disabledAt: iso(s.disabledAt), inFlight: s.inFlight, deliveries: s.deliveries,
  };
}

/**
 * The delivery state of a rule's targets — circuit breaker, health, queue counts — and the
 * re-enabling of a target disabled for failing too long.
 */
export async function targetStateRoutes(app: FastifyInstance, deps: DeliveryRouteDeps & { store: Store }): Promise<void> {
  const params = { type: 'object', properties: { bus: busName, rule: ruleName }, required: ['bus', 'rule'] } as const;
  const targets = async (bus: string, rule: string): Promise<TargetStatus[]> => {
    if ((await deps.store.catalog.buses.get(bus)) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    const list = await deps.dispatcher.targets(bus, rule);
    if (list === undefined) throw new SwitchyardError('SWY_API_RULE_NOT_FOUND', `no rule "${rule}" on bus "${bus}"`);
    return list;
  };

  app.get<{ Params: { bus: string; rule: string } }>('/v1/buses/:bus/rules/:rule/targets', {
    config: { scope: 'read' },
    schema: { summary: 'The delivery state of each target of a rule: circuit breaker, health, queue counts', tags: ['rules'], params, response: { 200: { type: 'object', properties: { items: { type: 'array', items: statusView } } }, '4xx': problem } },
  }, async (req) => ({ items: (await targets(req.params.bus, req.params.rule)).map(statusJson) }));

  app.post<{ Params: { bus: string; rule: string; target: string } }>('/v1/buses/:bus/rules/:rule/targets/:target/enable', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Re-enable a target (disabled after failing too long) and close its circuit breaker; redrive its dead letters to send them again',
      tags: ['rules'],
      params: { type: 'object', properties: { bus: busName, rule: ruleName, target: { type: 'string', minLength: 1, maxLength: 128, description: 'target id, or `<id>#dead-letter` (URL-encoded) for its dead-letter target' } }, required: ['bus', 'rule', 'target'] },
      response: { 200: statusView, '4xx': problem },
    },
  }, async (req) => {
    const { bus, rule, target } = req.params;
    await targets(bus, rule);
    if (!(await deps.dispatcher.enable({ bus, rule, target }))) throw new SwitchyardError('SWY_DELIVERY_TARGET_NOT_FOUND', `rule "${rule}" has no target "${target}"`);
    return statusJson((await targets(bus, rule)).find((t) => t.id === target)!);
  });
}
