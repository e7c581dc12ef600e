import type { Violation } from '../core/index.js';
import { checkAbsoluteUri, checkString, checkTimestamp, checkUriReference } from './attribute-types.js';
import { parseMediaType } from './media-type.js';
import type { AttributeValue, CloudEvent } from './types.js';

/** The context attributes the spec defines, each with the type check of its value. */
export const CORE_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'] as const;
export type CoreAttribute = (typeof CORE_ATTRIBUTES)[number];

export const REQUIRED_ATTRIBUTES = ['specversion', 'id', 'source', 'type'] as const;

const CORE_SET: ReadonlySet<string> = new Set(CORE_ATTRIBUTES);
export function isCoreAttribute(name: string): name is CoreAttribute {
  return CORE_SET.has(name);
}

/**
 * The last value of each core attribute that passed its check (`id` excluded: it never repeats).
 * The events of a batch, and the puts of one producer, mostly share their source, type, time
 * format and content type; a string comparison is far cheaper than the checks' regex passes.
 * Values longer than MEMO_MAX_LENGTH are not kept, so the memo holds little memory.
 */
const lastValid: Partial<Record<CoreAttribute, string>> = {};
const MEMO_MAX_LENGTH = 512;

/**
 * Checks a core attribute's canonical string value; returns a reason or undefined. The JSON
 * format and the binary-mode headers share this, so both modes apply identical rules. The check
 * is a pure function of (name, value), so a value equal to the last one accepted is accepted.
 */
export function checkCoreValue(name: CoreAttribute, value: string): string | undefined {
  if (lastValid[name] === value) return undefined;
  const reason = checkCoreValueUncached(name, value);
  if (reason === undefined && name !== 'id' && value.length <= MEMO_MAX_LENGTH) lastValid[name] = value;
  return reason;
}

function checkCoreValueUncached(name: CoreAttribute, value: string): string | undefined {
  if (value.length === 0) return 'must be a non-empty string';
  const s = checkString(value);
  if (s !== undefined) return s;
  switch (name) {
    case 'specversion':
      return value === '1.0' ? undefined : `unsupported specversion '${value.slice(0, 20)}' (only '1.0' is accepted)`;
    case 'id':
    case 'type':
    case 'subject':
      return undefined;
    case 'source':
      return checkUriReference(value);
    case 'dataschema':
      return checkAbsoluteUri(value);
    case 'time':
      return checkTimestamp(value);
    case 'datacontenttype':
      return parseMediaType(value) === undefined ? 'is not an RFC 2046 media type (expected type/subtype[; param=value])' : undefined;
  }
}

/** Pushes a violation; shared helper so every module formats them alike. */
export function report(out: Violation[], path: string, reason: string, code?: Violation['code']): void {
  out.push(code === undefined ? { path, reason } : { path, reason, code });
}

/**
 * The event that checked core attributes, extensions and data make, as both modes build it:
 * the optional attributes are set only when given. Call it only once the required ones passed.
 */
export function eventOf(core: Partial<Record<CoreAttribute, string>>, extensions: Record<string, AttributeValue>, data: CloudEvent['data']): CloudEvent {
  const ev: { -readonly [K in keyof CloudEvent]: CloudEvent[K] } = { specversion: '1.0', id: core.id ?? '', source: core.source ?? '', type: core.type ?? '', extensions, data };
  if (core.datacontenttype !== undefined) ev.datacontenttype = core.datacontenttype;
  if (core.dataschema !== undefined) ev.dataschema = core.dataschema;
  if (core.subject !== undefined) ev.subject = core.subject;
  if (core.time !== undefined) ev.time = core.time;
  return ev;
}
