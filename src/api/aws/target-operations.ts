/**
 * PutTargets, RemoveTargets, ListTargetsByRule: a rule's targets, mapped one by one
 * (target-mapping.ts) and checked as a whole by the same target parser the rule routes use.
 */
import type { Operation } from './context.js';
import { Params, page } from './params.js';
import { requireRule, ruleRef } from './rule-operations.js';
import { fromAwsTarget, TargetError, toAwsTarget } from './target-mapping.js';

type Failed = { TargetId: string; ErrorCode: string; ErrorMessage: string };

const idOf = (t: unknown): string => String((t as { id?: unknown }).id);

export const putTargets: Operation = async (input, ctx) => {
  const p = new Params(input);
  const targets = p.array('Targets', { required: true, min: 1, max: 10 });
  p.done();
  const { bus, name } = await ruleRef(input, ctx, 'Rule');
  const rule = await requireRule(ctx, bus, name);
  const failed: Failed[] = [];
  const mapped: Record<string, unknown>[] = [];
  for (const raw of targets!) {
    try {
      mapped.push(fromAwsTarget(raw));
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      failed.push({ TargetId: String((raw as { Id?: unknown } | null)?.Id ?? ''), ErrorCode: err.code, ErrorMessage: err.message });
    }
  }
  if (mapped.length > 0) {
    // A target with an existing Id replaces it, as on AWS; the rest are added.
    const ids = new Set(mapped.map(idOf));
    const next = [...rule.targets.filter((t) => !ids.has(idOf(t))), ...mapped];
    const parsed = ctx.parseTargets(next);
    await ctx.catalog.rules.put({ bus, name, description: rule.description, state: rule.state, filter: rule.filter, targets: parsed });
  }
  return { FailedEntryCount: failed.length, FailedEntries: failed };
};

export const removeTargets: Operation = async (input, ctx) => {
  const p = new Params(input);
  const ids = p.array('Ids', { required: true, min: 1, max: 100 });
  p.boolean('Force');
  p.done();
  const { bus, name } = await ruleRef(input, ctx, 'Rule');
  const rule = await requireRule(ctx, bus, name);
  const gone = new Set(ids!.map(String));
  const next = rule.targets.filter((t) => !gone.has(idOf(t)));
  if (next.length !== rule.targets.length) {
    await ctx.catalog.rules.put({ bus, name, description: rule.description, state: rule.state, filter: rule.filter, targets: ctx.parseTargets(next) });
  }
  return { FailedEntryCount: 0, FailedEntries: [] };
};

export const listTargetsByRule: Operation = async (input, ctx) => {
  const p = new Params(input);
  const token = p.string('NextToken', { max: 2048 });
  const limit = p.integer('Limit', 1, 100);
  p.done();
  const { bus, name } = await ruleRef(input, ctx, 'Rule');
  const rule = await requireRule(ctx, bus, name);
  const sorted = [...rule.targets].sort((a, b) => (idOf(a) < idOf(b) ? -1 : 1));
  const { items, next } = page(sorted, idOf, token, limit);
  return { Targets: items.map((t) => toAwsTarget(t as unknown as Record<string, unknown>, ctx.scope)), ...(next === undefined ? {} : { NextToken: next }) };
};
