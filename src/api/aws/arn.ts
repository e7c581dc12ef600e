/**
 * ARNs of the AWS API. Switchyard has no accounts or regions: the configured ones (aws.account,
 * aws.region) are written into every ARN it answers, and an ARN given to it is read by its
 * resource part only (`event-bus/<name>`), whatever its account and region.
 */
import { validationError } from './protocol.js';

export interface ArnScope {
  readonly account: string;
  readonly region: string;
}

const BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]*:\d*:event-bus\/([^/]+)$/;

export const busArn = (s: ArnScope, bus: string): string => `arn:aws:events:${s.region}:${s.account}:event-bus/${bus}`;

/** AWS names a rule of the default bus `rule/<name>`, of another bus `rule/<bus>/<name>`. */
export const ruleArn = (s: ArnScope, bus: string, rule: string): string =>
  `arn:aws:events:${s.region}:${s.account}:rule/${bus === 'default' ? '' : `${bus}/`}${rule}`;

/** The bus an event-bus ARN names, or undefined when `arn` is not one. */
export function busOfArn(arn: string): string | undefined {
  return BUS_ARN.exec(arn)?.[1];
}

/** An EventBusName parameter: a name or an event-bus ARN; absent means `default`. */
export function busParam(value: unknown, field = 'EventBusName'): string {
  if (value === undefined || value === null) return 'default';
  if (typeof value !== 'string' || value.length === 0 || value.length > 1600) throw validationError([`Value at '${field}' failed to satisfy constraint: Member must be a string of 1 to 1600 characters`]);
  return value.startsWith('arn:') ? busOfArn(value) ?? invalidArn(field) : value;
}

function invalidArn(field: string): never {
  throw validationError([`Value at '${field}' is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)`]);
}
