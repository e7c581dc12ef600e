import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import type { TransactionService } from '../../ingest/index.js';
import type { TransactionRecord, TransactionState, TransactionStep } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

/** The bus's check-back signing secrets (the keyring), to hand a producer its secret at begin. */
export interface CheckSecretSource {
  activeSecrets(bus: string): Promise<readonly string[]>;
}

export interface TransactionRouteDeps {
  readonly transactions: TransactionService;
  readonly checkSecrets: CheckSecretSource;
}

/** The header that puts a CloudEvents HTTP binding request into a transaction (PutEvents entries use the `transaction` field). */
export const TRANSACTION_HEADER = 'switchyard-transaction';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const txId = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'transaction id (from begin)' } as const;
const STATES = ['open', 'committed', 'rolled-back'] as const;

const stepView = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['begin', 'check', 'committed', 'rolled-back'] }, at: { type: 'string', format: 'date-time' },
    n: { type: 'integer', description: 'check: its number' }, answer: { type: 'string', enum: ['commit', 'rollback', 'unknown'], description: 'check: the producer\'s answer' },
    by: { type: 'string', enum: ['producer', 'check-back', 'default'], description: 'outcome: who ended it' }, detail: { type: 'string' },
  },
} as const;

export const transactionView = {
  type: 'object',
  properties: {
    id: { type: 'string' }, bus: { type: 'string' }, state: { type: 'string', enum: STATES },
    checkUrl: { type: ['string', 'null'] }, checkAfterMs: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' },
    nextCheckAt: { type: ['string', 'null'], format: 'date-time', description: 'when an open transaction is checked back next' },
    checks: { type: 'integer' }, events: { type: 'integer', description: 'events held (open) or committed' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    sequences: { type: ['object', 'null'], properties: { first: { type: 'integer' }, last: { type: 'integer' } }, description: 'the sequences its commit stored' },
    history: { type: 'array', items: stepView },
  },
} as const;

const resultItem = {
  type: 'object',
  properties: { id: { type: 'string' }, source: { type: 'string' }, sequence: { type: 'integer' }, duplicate: { type: 'boolean' } },
} as const;

export function transactionJson(t: TransactionRecord): Record<string, unknown> {
  return {
    id: t.id, bus: t.bus, state: t.state, checkUrl: t.checkUrl, checkAfterMs: t.checkAfterMs, createdAt: iso(t.createdAt),
    nextCheckAt: iso(t.nextCheckAt), checks: t.checks, events: t.events, endedAt: iso(t.endedAt), sequences: t.sequences,
    history: t.history.map((s: TransactionStep) => ({ ...s, at: iso(s.at) })),
  };
}

/** A check URL: absolute http(s), no credentials in it (they would be logged and shown). */
function checkUrlProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.username !== '' || u.password !== '') return 'must not carry credentials';
  return undefined;
}

/**
 * Transactional messages (docs/delay-and-transactions.md): begin, inspect, commit, roll back.
 * Events are put into a transaction through the ingest routes (the `Switchyard-Transaction`
 * header, or a PutEvents entry's `transaction`).
 */
export async function transactionRoutes(app: FastifyInstance, deps: TransactionRouteDeps): Promise<void> {
  const params = { type: 'object', properties: { bus: busName, id: txId }, required: ['bus', 'id'] } as const;

  app.post<{ Params: { bus: string }; Body: { checkUrl?: string; checkAfterMs?: number } }>('/v1/buses/:bus/transactions', {
    config: { scope: 'put' },
    schema: {
      summary: 'Begin a transaction: events put into it are held until it commits (or discarded by a rollback)',
      tags: ['transactions'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkUrl: { type: 'string', minLength: 1, maxLength: 2048, description: 'where Switchyard asks, once checkAfterMs passed with the transaction open, whether to commit or roll back (a signed POST)' },
          checkAfterMs: { type: 'integer', minimum: 100, maximum: 7 * 24 * 3600 * 1000, description: 'wait before the first check-back and between check-backs (default: transactions.checkAfterMs)' },
        },
      },
      response: {
        201: { type: 'object', properties: { ...transactionView.properties, signingSecret: { type: 'string', description: 'with a checkUrl: the bus\'s secret check-backs are signed with (Standard Webhooks)' } } },
        '4xx': problem,
      },
    },
  }, async (req, reply) => {
    const body = req.body ?? {};
    if (body.checkUrl !== undefined) {
      const bad = checkUrlProblem(body.checkUrl);
      if (bad !== undefined) throw new SwitchyardError('SWY_API_VALIDATION', `checkUrl ${bad}`, { violations: [{ path: '/body/checkUrl', reason: bad }] });
    }
    const tx = await deps.transactions.begin(req.params.bus, { checkUrl: body.checkUrl, checkAfterMs: body.checkAfterMs });
    const secret = tx.checkUrl === null ? undefined : (await deps.checkSecrets.activeSecrets(tx.bus))[0];
    return reply.code(201).send({ ...transactionJson(tx), ...(secret === undefined ? {} : { signingSecret: secret }) });
  });

  app.get<{ Params: { bus: string }; Querystring: { state?: TransactionState; limit: number } }>('/v1/buses/:bus/transactions', {
    config: { scope: 'read' },
    schema: {
      summary: 'List a bus\'s transactions, newest first',
      tags: ['transactions'],
      params: { type: 'object', properties: { bus: busName }, required: ['bus'] },
      querystring: { type: 'object', additionalProperties: false, properties: { state: { type: 'string', enum: STATES }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: transactionView } } }, '4xx': problem },
    },
  }, async (req) => ({ items: (await deps.transactions.list(req.params.bus, req.query.state, req.query.limit)).map(transactionJson) }));

  app.get<{ Params: { bus: string; id: string } }>('/v1/buses/:bus/transactions/:id', {
    config: { scope: 'read' },
    schema: { summary: 'One transaction: state, events held, check-backs, history', tags: ['transactions'], params, response: { 200: transactionView, '4xx': problem } },
  }, async (req) => transactionJson(await deps.transactions.get(req.params.bus, req.params.id)));

  app.post<{ Params: { bus: string; id: string } }>('/v1/buses/:bus/transactions/:id/commit', {
    config: { scope: 'put' },
    schema: {
      summary: 'Commit: every held event goes on the bus at once, in put order, matched and delivered',
      tags: ['transactions'],
      params,
      response: { 200: { type: 'object', properties: { transaction: transactionView, results: { type: 'array', items: resultItem } } }, '4xx': problem },
    },
  }, async (req) => {
    const r = await deps.transactions.commit(req.params.bus, req.params.id, 'producer');
    return { transaction: transactionJson(r.transaction), results: r.results };
  });

  app.post<{ Params: { bus: string; id: string } }>('/v1/buses/:bus/transactions/:id/rollback', {
    config: { scope: 'put' },
    schema: {
      summary: 'Roll back: the held events are discarded',
      tags: ['transactions'],
      params,
      response: { 200: { type: 'object', properties: { transaction: transactionView } }, '4xx': problem },
    },
  }, async (req) => ({ transaction: transactionJson(await deps.transactions.rollback(req.params.bus, req.params.id, 'producer')) }));
}
