import type { FastifyInstance } from 'fastify';
import { SwitchyardError, type Clock } from '../../core/index.js';
import { CONNECTION_KINDS, ruleTargets, type ConnectionVault, type SigningKeyring, type SigningSecretEntry } from '../../delivery/index.js';
import type { Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

/** What the connection and signing-secret routes need (wired by the server). */
export interface ConnectionRouteDeps {
  readonly vault: ConnectionVault;
  readonly keyring: SigningKeyring;
  readonly clock: Clock;
}

const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const DAY = 86_400_000;

const connectionView = {
  type: 'object',
  description: 'A connection; secret fields (password, value, clientSecret) are always "***".',
  additionalProperties: true,
  properties: {
    name: { type: 'string' }, kind: { type: 'string', enum: [...CONNECTION_KINDS] }, description: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const secretsView = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { secret: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: ['string', 'null'], format: 'date-time' } },
      },
    },
  },
} as const;

const secretItems = (entries: readonly SigningSecretEntry[]): { items: Record<string, unknown>[] } => ({
  items: entries.map((e) => ({ secret: e.secret, createdAt: new Date(e.createdAt).toISOString(), expiresAt: e.expiresAt === null ? null : new Date(e.expiresAt).toISOString() })),
});

/**
 * Connections (`/v1/connections/{name}`) and the signing secrets of http targets
 * (`/v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets`). Connection secrets are
 * write-only; signing secrets are shown (admin scope) because receivers need them to verify.
 */
export async function connectionRoutes(app: FastifyInstance, deps: ConnectionRouteDeps & { store: Store }): Promise<void> {
  const params = { type: 'object', properties: { name }, required: ['name'] } as const;
  const notFound = (n: string): SwitchyardError => new SwitchyardError('SWY_DELIVERY_CONNECTION_NOT_FOUND', `no connection "${n}"`);

  app.put<{ Params: { name: string }; Body: unknown }>('/v1/connections/:name', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create or replace a connection (basic, apiKey, oauth2, hmac or aws); a secret field may be omitted to keep the stored one',
      tags: ['connections'], params,
      body: { type: 'object', description: '{ "kind": "basic", "username", "password" } | { "kind": "apiKey", "in": "header"|"query", "keyName", "value" } (keyName once spelled name, still accepted) | { "kind": "oauth2", "tokenUrl", "clientId", "clientSecret", "scope"?, "audience"?, "clientAuth"?: "basic"|"body" } | { "kind": "hmac", "secret" } | { "kind": "aws", "accessKeyId", "secretAccessKey", "sessionToken"? } (docs/targets.md)' },
      response: { 200: connectionView, 201: connectionView, '4xx': problem },
    },
  }, async (req, reply) => {
    const { connection, created } = await deps.vault.put(req.params.name, req.body);
    return reply.code(created ? 201 : 200).send(connection);
  });

  app.get('/v1/connections', {
    config: { scope: 'read' },
    schema: { summary: 'List connections (secrets masked)', tags: ['connections'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: connectionView } } } } },
  }, async () => ({ items: await deps.vault.list() }));

  app.get<{ Params: { name: string } }>('/v1/connections/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get a connection (secrets masked)', tags: ['connections'], params, response: { 200: connectionView, '4xx': problem } },
  }, async (req) => {
    const c = await deps.vault.get(req.params.name);
    if (c === undefined) throw notFound(req.params.name);
    return c;
  });

  app.delete<{ Params: { name: string } }>('/v1/connections/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete a connection', tags: ['connections'], params, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    if (!(await deps.vault.delete(req.params.name))) throw notFound(req.params.name);
    return reply.code(204).send();
  });

  const targetParams = { type: 'object', properties: { bus: busName, rule: name, target: { type: 'string', minLength: 1, maxLength: 128 } }, required: ['bus', 'rule', 'target'] } as const;
  type TargetParams = { bus: string; rule: string; target: string };
  const requireHttpTarget = async (p: TargetParams): Promise<{ bus: string; rule: string; targetId: string }> => {
    const rule = await deps.store.catalog.rules.get(p.bus, p.rule);
    if (rule === undefined) throw new SwitchyardError('SWY_API_RULE_NOT_FOUND', `no rule "${p.rule}" on bus "${p.bus}"`);
    const found = ruleTargets(rule).some((t) => t.id === p.target && t.kind === 'http');
    if (!found) throw new SwitchyardError('SWY_DELIVERY_TARGET_NOT_FOUND', `rule "${p.rule}" has no http target "${p.target}"`);
    return { bus: p.bus, rule: p.rule, targetId: p.target };
  };

  app.get<{ Params: TargetParams }>('/v1/buses/:bus/rules/:rule/targets/:target/signing-secrets', {
    config: { scope: 'admin' },
    schema: { summary: 'The signing secrets of an http target, newest first (created on first use)', tags: ['connections'], params: targetParams, response: { 200: secretsView, '4xx': problem } },
  }, async (req) => secretItems(await deps.keyring.list(await requireHttpTarget(req.params), deps.clock.now())));

  app.post<{ Params: TargetParams; Body: { overlapMs?: number; secret?: string } | undefined }>('/v1/buses/:bus/rules/:rule/targets/:target/signing-secrets/rotate', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Rotate the signing secret: a new primary secret; the old ones keep signing for overlapMs',
      tags: ['connections'], params: targetParams,
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: {
          overlapMs: { type: 'integer', minimum: 0, maximum: 7 * DAY, default: DAY, description: 'How long the previous secrets stay valid (default 24 h, at most 7 days).' },
          secret: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/]{22,}={0,2}$', description: 'The new secret (whsec_ + base64, at least 16 bytes); generated when absent.' },
        },
      },
      response: { 200: secretsView, '4xx': problem },
    },
  }, async (req) => {
    const ref = await requireHttpTarget(req.params);
    return secretItems(await deps.keyring.rotate(ref, deps.clock.now(), req.body?.overlapMs ?? DAY, req.body?.secret));
  });
}
