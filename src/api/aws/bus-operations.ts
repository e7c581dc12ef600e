/** CreateEventBus, DescribeEventBus, ListEventBuses, DeleteEventBus over Switchyard's buses. */
import { SwitchyardError } from '../../core/index.js';
import type { BusRecord } from '../../store/index.js';
import { BUS_NAME } from '../schemas.js';
import { busArn, busParam } from './arn.js';
import type { AwsContext, Operation } from './context.js';
import { AwsError } from './protocol.js';
import { Params, page } from './params.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);

function view(b: BusRecord, ctx: AwsContext): Record<string, unknown> {
  const out: Record<string, unknown> = { Name: b.name, Arn: busArn(ctx.scope, b.name), CreationTime: seconds(b.createdAt), LastModifiedTime: seconds(b.createdAt) };
  if (b.description !== null) out['Description'] = b.description;
  return out;
}

export const createEventBus: Operation = async (input, ctx) => {
  const p = new Params(input);
  const name = p.string('Name', { required: true, max: 256, pattern: BUS_NAME });
  const description = p.string('Description', { max: 512 });
  p.unsupported('EventSourceName', 'KmsKeyIdentifier', 'DeadLetterConfig', 'LogConfig');
  p.done();
  // Tags are accepted and not kept: Switchyard has no tagging (docs/aws-compatibility.md).
  const b = await ctx.catalog.buses.create({ name: name!, description: description ?? null, retention: { maxAgeMs: ctx.defaultRetentionMaxAgeMs, maxCount: null } });
  return { EventBusArn: busArn(ctx.scope, b.name), ...(b.description === null ? {} : { Description: b.description }) };
};

export const describeEventBus: Operation = async (input, ctx) => {
  const p = new Params(input);
  const name = busParam(p.string('Name', { max: 1600 }), 'Name');
  p.done();
  const b = await ctx.catalog.buses.get(name);
  if (b === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `Event bus ${name} does not exist.`);
  return view(b, ctx);
};

export const listEventBuses: Operation = async (input, ctx) => {
  const p = new Params(input);
  const prefix = p.string('NamePrefix', { max: 256 });
  const token = p.string('NextToken', { max: 2048 });
  const limit = p.integer('Limit', 1, 100);
  p.done();
  const all = (await ctx.catalog.buses.list()).filter((b) => prefix === undefined || b.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const { items, next } = page(all, (b) => b.name, token, limit);
  return { EventBuses: items.map((b) => view(b, ctx)), ...(next === undefined ? {} : { NextToken: next }) };
};

export const deleteEventBus: Operation = async (input, ctx) => {
  const p = new Params(input);
  const name = p.string('Name', { required: true, max: 256 });
  p.done();
  if (name === 'default') throw new AwsError('ValidationException', 'Cannot delete event bus default.');
  // AWS answers a missing bus with success: deleting is idempotent.
  await ctx.catalog.buses.delete(name!);
  return {};
};
