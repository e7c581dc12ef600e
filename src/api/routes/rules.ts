import type { FastifyInstance } from 'fastify';
import { KeyedLock, SwitchyardError } from '../../core/index.js';
import type { RuleRouter } from '../../ingest/index.js';
import type { RuleRecord, Store } from '../../store/index.js';
import { parseRuleTargets, type RuleTarget } from '../../delivery/index.js';
import { busName, problem } from '../schemas.js';

const ruleName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;

const ruleView = {
  type: 'object',
  properties: {
    bus: { type: 'string' }, name: { type: 'string' }, description: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['enabled', 'disabled'] },
    filter: { type: 'object', additionalProperties: true },
    targets: { type: 'array', items: { type: 'object', additionalProperties: true } },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
    warnings: { type: 'array', description: 'Pattern lint (docs/schemas.md): data paths the event type\'s schema does not declare.', items: { type: 'object', properties: { path: { type: 'string' }, reason: { type: 'string' } } } },
  },
} as const;

/** A rule as saved (PUT) and as checked without saving (POST /v1/rules/check). */
const ruleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['filter'],
  properties: {
    description: { type: 'string', maxLength: 1024 },
    state: { type: 'string', enum: ['enabled', 'disabled'], description: 'default enabled' },
    filter: { type: 'object', description: '{ "pattern": … } | { "filters": [ … ] } | { "sql": "…" } (docs/patterns.md, docs/cesql.md)' },
    targets: { type: 'array', items: {} },
  },
} as const;

const view = (r: RuleRecord): Record<string, unknown> => ({
  bus: r.bus, name: r.name, description: r.description, state: r.state, filter: r.filter, targets: r.targets,
  createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
});

/** Parses the targets, once, as the rule is saved (count, unique ids, each kind's fields, transformers, retry, ordering, …: docs/targets.md). */
export function parseTargets(targets: readonly unknown[], maxTransformOutputBytes: number | undefined): readonly RuleTarget[] {
  const parsed = parseRuleTargets(targets, maxTransformOutputBytes === undefined ? {} : { maxOutputBytes: maxTransformOutputBytes });
  if (!parsed.ok) throw new SwitchyardError('SWY_API_INVALID_TARGETS', `${parsed.violations.length} problem(s) in targets`, { violations: parsed.violations });
  return parsed.targets;
}

export async function ruleRoutes(app: FastifyInstance, deps: { store: Store; router: Pick<RuleRouter, 'validate'>; lint?: (filter: unknown) => readonly { path: string; reason: string }[]; maxTransformOutputBytes?: number }): Promise<void> {
  const requireBus = async (bus: string): Promise<void> => {
    if (await deps.store.catalog.buses.get(bus) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
  };
  const requireRule = async (bus: string, name: string): Promise<RuleRecord> => {
    await requireBus(bus);
    const r = await deps.store.catalog.rules.get(bus, name);
    if (r === undefined) throw new SwitchyardError('SWY_API_RULE_NOT_FOUND', `no rule "${name}" on bus "${bus}"`);
    return r;
  };
  // Writes of one rule run one at a time (enable/disable read the rule, then put it back).
  const writes = new KeyedLock();
  const ruleKey = (bus: string, name: string): string => `${bus}\u0000${name}`;
  const params = { type: 'object', properties: { bus: busName, name: ruleName }, required: ['bus', 'name'] } as const;

  app.put<{ Params: { bus: string; name: string }; Body: { description?: string; state?: 'enabled' | 'disabled'; filter: unknown; targets?: unknown[] } }>('/v1/buses/:bus/rules/:name', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create or replace a rule: a filter (pattern, subscriptions filters or CESQL) and its targets',
      tags: ['rules'],
      params,
      body: ruleBody,
      response: { 200: ruleView, 201: ruleView, '4xx': problem },
    },
  }, async (req, reply) => {
    const { bus, name } = req.params;
    await requireBus(bus);
    deps.router.validate(req.body.filter);
    const targets = parseTargets(req.body.targets ?? [], deps.maxTransformOutputBytes);
    // A bus deleted meanwhile: the catalog refuses the rule (SWY_STORE_BUS_NOT_FOUND).
    const { rule, created } = await writes.run(ruleKey(bus, name), () => deps.store.catalog.rules.put({
      bus, name, description: req.body.description ?? null, state: req.body.state ?? 'enabled', filter: req.body.filter, targets,
    }));
    // The router follows the catalog's change feed (src/ingest/router-sync.ts): no update here.
    const warnings = deps.lint?.(rule.filter) ?? [];
    return reply.code(created ? 201 : 200).send(warnings.length > 0 ? { ...view(rule), warnings } : view(rule));
  });

  // The checks of a save, without saving: an editor validates a rule as it is typed.
  app.post<{ Body: { description?: string; state?: 'enabled' | 'disabled'; filter: unknown; targets?: unknown[] } }>('/v1/rules/check', {
    config: { scope: 'read' },
    schema: {
      summary: 'Check a rule as a save would (filter, targets, pattern lint) without saving it',
      tags: ['rules'],
      body: ruleBody,
      response: { 200: { type: 'object', properties: { valid: { type: 'boolean' }, warnings: ruleView.properties.warnings } }, '4xx': problem },
    },
  }, async (req) => {
    deps.router.validate(req.body.filter);
    parseTargets(req.body.targets ?? [], deps.maxTransformOutputBytes);
    return { valid: true, warnings: deps.lint?.(req.body.filter) ?? [] };
  });

  app.get<{ Params: { bus: string } }>('/v1/buses/:bus/rules', {
    config: { scope: 'read' },
    schema: { summary: 'List the rules of a bus', tags: ['rules'], params: { type: 'object', properties: { bus: busName }, required: ['bus'] }, response: { 200: { type: 'object', properties: { items: { type: 'array', items: ruleView } } }, '4xx': problem } },
  }, async (req) => {
    await requireBus(req.params.bus);
    return { items: (await deps.store.catalog.rules.list(req.params.bus)).map(view) };
  });

  app.get<{ Params: { bus: string; name: string } }>('/v1/buses/:bus/rules/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get a rule', tags: ['rules'], params, response: { 200: ruleView, '4xx': problem } },
  }, async (req) => view(await requireRule(req.params.bus, req.params.name)));

  app.delete<{ Params: { bus: string; name: string } }>('/v1/buses/:bus/rules/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete a rule', tags: ['rules'], params, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    const { bus, name } = req.params;
    await writes.run(ruleKey(bus, name), async () => {
      await requireRule(bus, name);
      await deps.store.catalog.rules.delete(bus, name);
    });
    return reply.code(204).send();
  });

  for (const state of ['enable', 'disable'] as const) {
    app.post<{ Params: { bus: string; name: string } }>(`/v1/buses/:bus/rules/:name/${state}`, {
      config: { scope: 'admin' },
      schema: { summary: `${state === 'enable' ? 'Enable' : 'Disable'} a rule`, tags: ['rules'], params, response: { 200: ruleView, '4xx': problem } },
    }, async (req) => {
      const { bus, name } = req.params;
      // Read and written back under the rule's lock: a concurrent replace is not undone.
      const { rule } = await writes.run(ruleKey(bus, name), async () => {
        const r = await requireRule(bus, name);
        return deps.store.catalog.rules.put({ ...r, state: state === 'enable' ? 'enabled' : 'disabled' });
      });
      return view(rule);
    });
  }
}
