import type { JsonValue, Violation } from '../core/index.js';
import { checkAttributeName, checkInteger, checkString, isWellFormedUtf16 } from './attribute-types.js';
import { isCoreAttribute, checkCoreValue, report, REQUIRED_ATTRIBUTES, eventOf, type CoreAttribute } from './attributes.js';
import { decodeBase64, isBase64 } from './base64.js';
import type { JsonMember, JsonNode } from './json-scan.js';
import type { ResolvedLimits } from './limits.js';
import { isJsonMediaType, parseMediaType } from './media-type.js';
import { eventSize } from './size.js';
import type { AttributeValue, CloudEvent, CloudEventData } from './types.js';
import { pointer } from './violations.js';

/** Where an event object came from, to report paths and recover raw JSON text. */
export interface ObjectSource {
  /** JSON pointer of the object in the request ('' for a single event, '/2' in a batch). */
  readonly path: string;
  /** The full JSON text the object was parsed from, when known. */
  readonly text?: string;
  /** The object's node in `text` (with its members), when known. */
  readonly node?: JsonNode;
  readonly limits: ResolvedLimits;
}


/**
 * Validates one event in the JSON format (an already-parsed object) and builds the CloudEvent.
 * Every problem is appended to `out`; the event is returned only when there were none.
 *
 * Rules: null means unset (JSON format §2.2) except for `data`, where null is an explicit JSON
 * null payload (§3.1.1); `data` and `data_base64` are exclusive; `data` is kept as its exact text
 * when the raw text is known, else as JSON.stringify of the value.
 */
export function eventFromObject(obj: Readonly<Record<string, unknown>>, src: ObjectSource, out: Violation[]): CloudEvent | undefined {
  const before = out.length;
  const members = src.node?.members;
  const keys = Object.keys(obj);
  // JSON.parse keeps one member per name, so fewer keys than members means a name repeats.
  if (members !== undefined && members.length !== keys.length) reportDuplicates(members, src.path, out);
  const core: Partial<Record<CoreAttribute, string>> = {};
  const extensions: Record<string, AttributeValue> = {};
  let extCount = 0;
  let hasData = false;
  let dataValue: unknown;
  let base64: string | undefined;

  for (const key of keys) {
    const value = obj[key];
    if (key === 'data') {
      if (value !== undefined) {
        hasData = true;
        dataValue = value;
      }
      continue;
    }
    if (value === null || value === undefined) continue;
    if (key === 'data_base64') {
      if (typeof value !== 'string') report(out, pointer(src.path, key), 'must be a base64 string');
      else if (!isBase64(value)) report(out, pointer(src.path, key), 'is not valid base64 (RFC 4648, standard alphabet)');
      else base64 = value;
      continue;
    }
    if (isCoreAttribute(key)) {
      if (typeof value !== 'string') {
        report(out, pointer(src.path, key), `must be a string, not ${jsonTypeOf(value)}`);
        continue;
      }
      const reason = checkCoreValue(key, value);
      if (reason !== undefined) report(out, pointer(src.path, key), reason);
      else core[key] = value;
      continue;
    }
    const nameReason = checkAttributeName(key);
    if (nameReason !== undefined) {
      report(out, pointer(src.path, key), nameReason);
      continue;
    }
    if (++extCount > src.limits.maxExtensions) {
      if (extCount === src.limits.maxExtensions + 1) report(out, src.path || '/', `more than ${src.limits.maxExtensions} extension attributes`);
      continue;
    }
    const v = extensionValue(value, literalOf(src, memberNode(members, key)));
    if (typeof v === 'object') report(out, pointer(src.path, key), v.reason);
    else extensions[key] = v;
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    if (obj[name] === undefined || obj[name] === null) report(out, pointer(src.path, name), 'required attribute is missing');
  }
  if (hasData && (base64 !== undefined || (obj['data_base64'] !== undefined && obj['data_base64'] !== null))) {
    report(out, pointer(src.path, 'data'), "'data' and 'data_base64' are mutually exclusive");
  }
  const data = buildData(core.datacontenttype, hasData, dataValue, base64, src, memberNode(members, 'data'), out);
  if (out.length > before) return undefined;

  const ev = eventOf(core, extensions, data);
  const size = eventSize(ev);
  if (size > src.limits.maxEventBytes) {
    report(out, src.path, `event is ${size} bytes, over the limit of ${src.limits.maxEventBytes}`, 'SWY_EVENT_TOO_LARGE');
    return undefined;
  }
  return ev;
}

function reportDuplicates(members: readonly JsonMember[], path: string, out: Violation[]): void {
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.key)) report(out, pointer(path, m.key), 'member appears more than once');
    seen.add(m.key);
  }
}

/** The node of the member named `key` (the last one, as JSON.parse keeps the last duplicate). */
function memberNode(members: readonly JsonMember[] | undefined, key: string): JsonNode | undefined {
  if (members === undefined) return undefined;
  for (let i = members.length - 1; i >= 0; i--) if (members[i]!.key === key) return members[i]!.value;
  return undefined;
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function literalOf(src: ObjectSource, node: JsonNode | undefined): string | undefined {
  return src.text !== undefined && node?.kind === 'number' ? src.text.slice(node.start, node.end) : undefined;
}

/** An extension value in the JSON format: String (and the string-encoded types), Integer or Boolean. */
function extensionValue(v: unknown, literal: string | undefined): AttributeValue | { reason: string } {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    const r = checkInteger(v, literal);
    return r === undefined ? (v === 0 ? 0 : v) : { reason: r };
  }
  if (typeof v === 'string') {
    const r = checkString(v);
    return r === undefined ? v : { reason: r };
  }
  return { reason: `extension values must be a string, an integer or a boolean, not ${jsonTypeOf(v)}` };
}

function buildData(
  contentType: string | undefined,
  hasData: boolean,
  value: unknown,
  base64: string | undefined,
  src: ObjectSource,
  node: JsonNode | undefined,
  out: Violation[],
): CloudEventData {
  if (base64 !== undefined) return { kind: 'binary', bytes: decodeBase64(base64) };
  if (!hasData) return { kind: 'none' };
  const mt = contentType === undefined ? undefined : parseMediaType(contentType);
  if (mt === undefined || isJsonMediaType(mt)) {
    const text = src.text !== undefined && node !== undefined ? src.text.slice(node.start, node.end) : JSON.stringify(value);
    if (text === undefined) {
      report(out, pointer(src.path, 'data'), 'is not a JSON value');
      return { kind: 'none' };
    }
    return { kind: 'json', value: value as JsonValue, text };
  }
  if (typeof value !== 'string') {
    report(out, pointer(src.path, 'data'), `must be a string for the non-JSON datacontenttype '${mt.essence}' (use data_base64 for binary data)`);
    return { kind: 'none' };
  }
  if (!isWellFormedUtf16(value)) {
    report(out, pointer(src.path, 'data'), 'text data contains a lone surrogate');
    return { kind: 'none' };
  }
  return { kind: 'text', text: value };
}
