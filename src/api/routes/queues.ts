import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import {
  MAX_LOCK_TOKENS, MAX_RECEIVE, MAX_RELEASE_DELAY_MS, MAX_WAIT_MS, MAX_LOCK_TOKEN_CHARS,
  type PullQueues, type QueueSummary, type ReceivedEvent, type SettleAction, type SettleResult,
} from '../../streams/index.js';
import { busName, problem } from '../schemas.js';
import { requestSignal } from './request-signal.js';

const queueName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Queue name (the `queue` field of a target of kind queue).' } as const;
const params = { type: 'object', properties: { bus: busName, queue: queueName }, required: ['bus', 'queue'] } as const;
const lockTokens = {
  type: 'array', minItems: 1, maxItems: MAX_LOCK_TOKENS, description: 'Lock tokens from receive (`brokerProperties.lockToken`).',
  items: { type: 'string', minLength: 1, maxLength: MAX_LOCK_TOKEN_CHARS },
} as const;
const visibilityMs = { type: 'integer', minimum: 1000, maximum: 3_600_000, description: 'Lock length in ms; default: the queue target\'s `lockMs`.' } as const;

const summaryView = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    counts: {
      type: 'object', description: '`ready`: waiting to be received (FIFO-waiting ones included); `locked`: received and not settled (an ended lock counts until received again); `dead`: dead letters',
      properties: { ready: { type: 'integer' }, locked: { type: 'integer' }, dead: { type: 'integer' } },
    },
    feeds: {
      type: 'array', description: 'the rule targets that feed the queue',
      items: { type: 'object', properties: { rule: { type: 'string' }, target: { type: 'string' }, lockMs: { type: 'integer' }, maxReceives: { type: 'integer' }, ordered: { type: 'boolean' } } },
    },
  },
} as const;

const settleView = {
  type: 'object',
  properties: {
    succeededLockTokens: { type: 'array', items: { type: 'string' } },
    failedLockTokens: {
      type: 'array',
      items: {
        type: 'object',
        properties: { lockToken: { type: 'string' }, error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
} as const;

const receiveView = {
  type: 'object',
  properties: {
    value: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          brokerProperties: {
            type: 'object',
            properties: {
              lockToken: { type: 'string' }, deliveryCount: { type: 'integer', description: 'receives of this event so far, this one included' },
              lockedUntil: { type: 'string', format: 'date-time' }, sequence: { type: 'integer' }, group: { type: ['string', 'null'] }, rule: { type: 'string' },
            },
          },
          event: { type: 'object', additionalProperties: true, description: 'the CloudEvent in the JSON format, as stored' },
        },
      },
    },
  },
} as const;

const summaryJson = (s: QueueSummary): Record<string, unknown> => ({ name: s.name, counts: s.counts, feeds: s.feeds });

/** The receive answer as JSON text: each stored event is spliced in byte-exact, not re-serialized. */
function receiveJson(items: readonly ReceivedEvent[]): string {
  const parts = items.map((r) => {
    const props = JSON.stringify({
      lockToken: r.lockToken, deliveryCount: r.deliveryCount, lockedUntil: new Date(r.lockedUntil).toISOString(), sequence: r.sequence, group: r.group, rule: r.rule,
    });
    return `{"brokerProperties":${props},"event":${r.eventText}}`;
  });
  return `{"value":[${parts.join(',')}]}`;
}

const settleJson = (r: SettleResult): Record<string, unknown> => ({
  succeededLockTokens: r.succeeded,
  failedLockTokens: r.failed.map((f) => ({ lockToken: f.lockToken, error: { code: f.code, message: f.message } })),
});

/**
 * Pull queues (docs/queues.md): list and inspect the queues of a bus, receive under a lock
 * (long-poll), and settle by lock tokens — acknowledge, release (optionally delayed), reject
 * (dead letter with a reason), renew. Shapes follow Azure Event Grid namespace topics' pull
 * delivery: `value[].brokerProperties.lockToken`, `succeededLockTokens` / `failedLockTokens`.
 */
export async function queueRoutes(app: FastifyInstance, deps: { store: Store; queues: PullQueues }): Promise<void> {
  const busExists = async (bus: string): Promise<void> => {
    if ((await deps.store.catalog.buses.get(bus)) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
  };

  app.get<{ Params: { bus: string } }>('/v1/buses/:bus/queues', {
    config: { scope: 'read' },
    schema: {
      summary: 'List the pull queues of a bus (targets of kind queue) with their counts', tags: ['queues'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: summaryView } } }, '4xx': problem },
    },
  }, async (req) => {
    await busExists(req.params.bus);
    return { items: (await deps.queues.list(req.params.bus)).map(summaryJson) };
  });

  app.get<{ Params: { bus: string; queue: string } }>('/v1/buses/:bus/queues/:queue', {
    config: { scope: 'read' },
    schema: { summary: 'Get a pull queue: the targets feeding it and its counts (ready, locked, dead)', tags: ['queues'], params, response: { 200: summaryView, '4xx': problem } },
  }, async (req) => {
    await busExists(req.params.bus);
    return summaryJson(await deps.queues.get(req.params.bus, req.params.queue));
  });

  app.post<{ Params: { bus: string; queue: string }; Body: { max?: number; waitMs?: number; visibilityMs?: number } | undefined }>('/v1/buses/:bus/queues/:queue/receive', {
    config: { scope: 'read' },
    schema: {
      summary: 'Receive up to `max` events under a lock, waiting up to `waitMs` for the first (long poll)', tags: ['queues'], params,
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: {
          max: { type: 'integer', minimum: 1, maximum: MAX_RECEIVE, default: 1, description: 'most events to receive' },
          waitMs: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS, default: 0, description: 'longest wait for the first event, ms' },
          visibilityMs,
        },
      },
      response: { 200: receiveView, '4xx': problem },
    },
  }, async (req, reply) => {
    await busExists(req.params.bus);
    const b = req.body ?? {};
    const items = await deps.queues.receive(req.params.bus, req.params.queue, { max: b.max ?? 1, waitMs: b.waitMs ?? 0, visibilityMs: b.visibilityMs }, requestSignal(reply));
    return reply.type('application/json').send(receiveJson(items));
  });

  const settleRoute = <B extends { lockTokens: string[] }>(op: string, summary: string, extra: Record<string, unknown>, action: (body: B) => SettleAction): void => {
    app.post<{ Params: { bus: string; queue: string }; Body: B }>(`/v1/buses/:bus/queues/:queue/${op}`, {
      config: { scope: 'read' },
      schema: {
        summary, tags: ['queues'], params,
        body: { type: 'object', additionalProperties: false, required: ['lockTokens'], properties: { lockTokens, ...extra } },
        response: { 200: settleView, '4xx': problem },
      },
    }, async (req) => {
      await busExists(req.params.bus);
      const body = req.body as B;
      return settleJson(await deps.queues.settle(req.params.bus, req.params.queue, body.lockTokens, action(body)));
    });
  };
  settleRoute('acknowledge', 'Acknowledge received events by lock token: they are done and never handed out again', {}, () => ({ type: 'ack' }));
  settleRoute<{ lockTokens: string[]; delayMs?: number }>('release', 'Release received events by lock token: they are ready again, after `delayMs`', {
    delayMs: { type: 'integer', minimum: 0, maximum: MAX_RELEASE_DELAY_MS, default: 0, description: 'ms before the released events are ready again' },
  }, (b) => ({ type: 'release', delayMs: b.delayMs ?? 0 }));
  settleRoute<{ lockTokens: string[]; reason?: string }>('reject', 'Reject received events by lock token: they become dead letters with the reason', {
    reason: { type: 'string', maxLength: 1024, description: 'kept as the dead letter\'s last error' },
  }, (b) => ({ type: 'reject', reason: b.reason ?? 'rejected by the consumer' }));
  settleRoute<{ lockTokens: string[]; visibilityMs?: number }>('renew', 'Renew the locks of received events: each is extended to now + visibilityMs (default: the queue\'s lockMs)', {
    visibilityMs,
  }, (b) => ({ type: 'renew', visibilityMs: b.visibilityMs }));
}
