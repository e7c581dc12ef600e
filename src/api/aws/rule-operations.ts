/**
 * PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule over Switchyard's rules.
 * A rule put here keeps its pattern as written (`patternText`) with `envelope: "aws"`, so it
 * matches the AWS view of each event (rules/aws-envelope.ts) and DescribeRule gives the text back.
 * The filter is checked by the rule router, as the rule routes check it.
 */
import { SwitchyardError } from '../../core/index.js';
import type { RuleRecord } from '../../store/index.js';
import { BUS_NAME } from '../schemas.js';
import { busParam, ruleArn } from './arn.js';
import type { AwsContext, Operation } from './context.js';
import { AwsError } from './protocol.js';
import { Params, page, type Input } from './params.js';

const RULE_NAME = BUS_NAME;

/** The pattern text of a rule's filter, when it is an event pattern. */
function patternOf(filter: unknown): string | undefined {
  const f = filter as { pattern?: unknown; patternText?: unknown };
  if (typeof f.patternText === 'string') return f.patternText;
  return f.pattern === undefined ? undefined : JSON.stringify(f.pattern);
}

function view(r: RuleRecord, ctx: AwsContext): Record<string, unknown> {
  const out: Record<string, unknown> = { Name: r.name, Arn: ruleArn(ctx.scope, r.bus, r.name), State: r.state === 'enabled' ? 'ENABLED' : 'DISABLED', EventBusName: r.bus };
  const pattern = patternOf(r.filter);
  if (pattern !== undefined) out['EventPattern'] = pattern;
  if (r.description !== null) out['Description'] = r.description;
  return out;
}

/** Reads Name and EventBusName; the bus must exist. */
export async function ruleRef(input: Input, ctx: AwsContext, field = 'Name'): Promise<{ bus: string; name: string }> {
  const p = new Params(input);
  const name = p.string(field, { required: true, max: 64, pattern: RULE_NAME });
  p.done();
  const bus = busParam(input['EventBusName']);
  if ((await ctx.catalog.buses.get(bus)) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `Event bus ${bus} does not exist.`);
  return { bus, name: name! };
}

export async function requireRule(ctx: AwsContext, bus: string, name: string): Promise<RuleRecord> {
  const r = await ctx.catalog.rules.get(bus, name);
  if (r === undefined) throw new SwitchyardError('SWY_API_RULE_NOT_FOUND', `Rule ${name} does not exist on EventBus ${bus}.`);
  return r;
}

export const putRule: Operation = async (input, ctx) => {
  const p = new Params(input);
  const text = p.string('EventPattern', { max: 4096 });
  const state = p.string('State', { pattern: /^(ENABLED|DISABLED)$/ });
  const description = p.string('Description', { max: 512 });
  p.unsupported('ScheduleExpression', 'RoleArn');
  p.done();
  const { bus, name } = await ruleRef(input, ctx);
  if (text === undefined) throw new AwsError('ValidationException', 'Parameter EventPattern must be given: Switchyard rules match events (ScheduleExpression is not supported).');
  const filter = { patternText: text, envelope: 'aws' as const };
  ctx.validateFilter(filter);
  // As on AWS, putting an existing rule changes its pattern, state and description and keeps its targets.
  const old = await ctx.catalog.rules.get(bus, name);
  const { rule } = await ctx.catalog.rules.put({
    bus, name, filter, targets: old?.targets ?? [],
    description: description ?? (old === undefined ? null : old.description),
    state: state === 'DISABLED' ? 'disabled' : 'enabled',
  });
  return { RuleArn: ruleArn(ctx.scope, rule.bus, rule.name) };
};

export const describeRule: Operation = async (input, ctx) => {
  const { bus, name } = await ruleRef(input, ctx);
  const r = await requireRule(ctx, bus, name);
  return { ...view(r, ctx), CreatedBy: ctx.scope.account };
};

export const listRules: Operation = async (input, ctx) => {
  const p = new Params(input);
  const prefix = p.string('NamePrefix', { max: 64 });
  const token = p.string('NextToken', { max: 2048 });
  const limit = p.integer('Limit', 1, 100);
  p.done();
  const bus = busParam(input['EventBusName']);
  if ((await ctx.catalog.buses.get(bus)) === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `Event bus ${bus} does not exist.`);
  const all = (await ctx.catalog.rules.list(bus)).filter((r) => prefix === undefined || r.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const { items, next } = page(all, (r) => r.name, token, limit);
  return { Rules: items.map((r) => view(r, ctx)), ...(next === undefined ? {} : { NextToken: next }) };
};

export const deleteRule: Operation = async (input, ctx) => {
  const p = new Params(input);
  const force = p.boolean('Force');
  p.done();
  const { bus, name } = await ruleRef(input, ctx);
  const r = await ctx.catalog.rules.get(bus, name);
  // AWS answers a missing rule with success, and refuses a rule that still has targets unless forced.
  if (r === undefined) return {};
  if (r.targets.length > 0 && force !== true) throw new AwsError('ValidationException', 'Rule can\'t be deleted since it has targets.');
  await ctx.catalog.rules.delete(bus, name);
  return {};
};

function setState(state: 'enabled' | 'disabled'): Operation {
  return async (input, ctx) => {
    const { bus, name } = await ruleRef(input, ctx);
    const r = await requireRule(ctx, bus, name);
    await ctx.catalog.rules.put({ bus, name, description: r.description, filter: r.filter, targets: r.targets, state });
    return {};
  };
}

export const enableRule = setState('enabled');
export const disableRule = setState('disabled');
