import type { JsonObject, JsonValue } from '../core/index.js';

/** Per-delivery facts a transformer may use besides the event itself. */
export interface TransformContext {
  /** Name of the rule that matched the event. */
  readonly ruleName: string;
  /** Name of the bus the event was put on. */
  readonly bus: string;
  /** When the bus received the event, ISO 8601 (RFC 3339) in UTC. */
  readonly ingestionTime: string;
  /** The id the bus knows the event by; defaults to the event's `id` attribute. */
  readonly eventId?: string;
}

type Resolver = (event: JsonObject, ctx: TransformContext) => JsonValue;

/** The event's attributes without its payload (`data` / `data_base64`). */
function attributesOnly(event: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(event)) if (k !== 'data' && k !== 'data_base64') out[k] = event[k] as JsonValue;
  return out;
}

const ruleName: Resolver = (_e, c) => c.ruleName;
const ruleRef: Resolver = (_e, c) => `${c.bus}/${c.ruleName}`;
const ingestion: Resolver = (_e, c) => c.ingestionTime;
const attributes: Resolver = (e) => attributesOnly(e);
const whole: Resolver = (e) => e;

/**
 * Predefined variables, usable in any template without a declaration. The `aws.*` names are
 * the EventBridge ones, mapped onto a CloudEvent: EventBridge's `detail` is our `data`, so
 * `aws.events.event` (the event without `detail`) is the event without `data`, and
 * `aws.events.rule-arn` (no ARNs here) is `<bus>/<rule>`.
 */
export const PREDEFINED_VARIABLES: Readonly<Record<string, Resolver>> = Object.freeze({
  'switchyard.rule-name': ruleName,
  'switchyard.rule': ruleRef,
  'switchyard.bus': (_e, c) => c.bus,
  'switchyard.ingestion-time': ingestion,
  'switchyard.event-id': (e, c) => c.eventId ?? (typeof e.id === 'string' ? e.id : null),
  'switchyard.event': attributes,
  'switchyard.event.json': whole,
  'aws.events.rule-name': ruleName,
  'aws.events.rule-arn': ruleRef,
  'aws.events.event.ingestion-time': ingestion,
  'aws.events.event': attributes,
  'aws.events.event.json': whole,
});

/** The names of the predefined variables, for documentation, completion and validation. */
export const PREDEFINED_VARIABLE_NAMES: readonly string[] = Object.freeze(Object.keys(PREDEFINED_VARIABLES));

export function isPredefined(name: string): boolean {
  return Object.hasOwn(PREDEFINED_VARIABLES, name);
}

export function predefinedResolver(name: string): Resolver | undefined {
  return Object.hasOwn(PREDEFINED_VARIABLES, name) ? PREDEFINED_VARIABLES[name] : undefined;
}

/** User variable names: `[A-Za-z0-9_-]+` (the AWS InputPathsMap key pattern). */
export const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;

/** Reserved prefixes: a user variable may never shadow a predefined one. */
export function isReservedName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('aws.') || lower.startsWith('switchyard.');
}
