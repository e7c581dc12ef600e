import type { JsonValue, Violation } from '../core/index.js';
import { checkAttributeName, checkString } from './attribute-types.js';
import { checkCoreValue, isCoreAttribute, report, REQUIRED_ATTRIBUTES, eventOf, type CoreAttribute } from './attributes.js';
import { decodeHeaderValue } from './header-encoding.js';
import { scanJson } from './json-scan.js';
import type { ResolvedLimits } from './limits.js';
import { isJsonMediaType, isTextMediaType, isUtf8Charset, parseMediaType } from './media-type.js';
import { eventSize } from './size.js';
import { decodeUtf8 } from './structured.js';
import type { AttributeValue, CloudEvent, CloudEventData } from './types.js';

export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;


/**
 * Decodes a binary-mode request (HTTP binding §3.1): attributes from `ce-*` headers (percent-
 * decoded), `datacontenttype` from Content-Type, the body as the data. Violation paths are header
 * names (`ce-time`, `content-type`) or `body`.
 *
 * Data: an empty body is no data. A JSON media type → parsed JSON (kept as the exact text);
 * a text media type with a UTF-8 charset and valid UTF-8 bytes → text; anything else, including a
 * non-empty body without Content-Type (no type known) → the bytes, exactly.
 * Extension values arrive as strings: without extension definitions an integer header `5` stays
 * the string "5" (see docs/events.md).
 */
export function decodeBinary(contentType: string | undefined, headers: HeaderMap, body: Uint8Array, limits: ResolvedLimits): { event?: CloudEvent; violations: Violation[] } {
  const out: Violation[] = [];
  const core: Partial<Record<CoreAttribute, string>> = {};
  const extensions: Record<string, AttributeValue> = {};
  let extCount = 0;

  for (const rawName of Object.keys(headers)) {
    const lower = rawName.toLowerCase();
    if (!lower.startsWith('ce-')) continue;
    const raw = headers[rawName];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) {
      report(out, lower, 'header repeated; a CloudEvents attribute has one value', 'SWY_EVENT_BAD_HEADER');
      continue;
    }
    const name = lower.slice(3);
    if (name === 'datacontenttype') {
      report(out, lower, 'ce-datacontenttype must not be sent in binary mode; the Content-Type header carries it', 'SWY_EVENT_BAD_HEADER');
      continue;
    }
    const nameReason = checkAttributeName(name);
    if (nameReason !== undefined) {
      report(out, lower, nameReason);
      continue;
    }
    const decoded = decodeHeaderValue(raw);
    if (!decoded.ok) {
      report(out, lower, decoded.reason, 'SWY_EVENT_BAD_HEADER');
      continue;
    }
    if (isCoreAttribute(name)) {
      const reason = checkCoreValue(name, decoded.value);
      if (reason !== undefined) report(out, lower, reason);
      else core[name] = decoded.value;
      continue;
    }
    if (++extCount > limits.maxExtensions) {
      if (extCount === limits.maxExtensions + 1) report(out, 'ce-*', `more than ${limits.maxExtensions} extension attributes`);
      continue;
    }
    const reason = checkString(decoded.value);
    if (reason !== undefined) report(out, lower, reason);
    else extensions[name] = decoded.value;
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    if (!hasHeader(headers, `ce-${name}`)) report(out, `ce-${name}`, 'required attribute is missing');
  }
  if (contentType !== undefined) {
    const reason = checkCoreValue('datacontenttype', contentType.trim());
    if (reason !== undefined) report(out, 'content-type', reason);
    else core.datacontenttype = contentType.trim();
  }
  const data = bodyData(core.datacontenttype, body, limits, out);
  if (out.length > 0) return { violations: out };

  const ev = eventOf(core, extensions, data);
  const size = eventSize(ev);
  if (size > limits.maxEventBytes) {
    return { violations: [{ path: 'body', reason: `event is ${size} bytes, over the limit of ${limits.maxEventBytes}`, code: 'SWY_EVENT_TOO_LARGE' }] };
  }
  return { event: ev, violations: [] };
}

function hasHeader(headers: HeaderMap, name: string): boolean {
  if (headers[name] !== undefined) return true;
  // Callers other than node's http module may keep the sender's header-name case.
  return Object.keys(headers).some((k) => k.length === name.length && k.toLowerCase() === name && headers[k] !== undefined);
}

function bodyData(contentType: string | undefined, body: Uint8Array, limits: ResolvedLimits, out: Violation[]): CloudEventData {
  if (body.byteLength === 0) return { kind: 'none' };
  const mt = contentType === undefined ? undefined : parseMediaType(contentType);
  if (mt === undefined) return { kind: 'binary', bytes: copy(body) };
  if (isJsonMediaType(mt)) {
    if (!isUtf8Charset(mt)) {
      report(out, 'content-type', 'JSON data must be UTF-8 (RFC 8259)', 'SWY_EVENT_BAD_CHARSET');
      return { kind: 'none' };
    }
    const text = decodeUtf8(body);
    if (text === undefined) {
      report(out, 'body', 'JSON data is not valid UTF-8', 'SWY_EVENT_INVALID_UTF8');
      return { kind: 'none' };
    }
    // The event object is level 1, so its data may nest maxDepth - 1 levels.
    const scan = scanJson(text, { maxDepth: limits.maxDepth - 1, recordDepth: 0 });
    if (!scan.ok) {
      report(out, 'body', `JSON data nested deeper than ${limits.maxDepth - 1} levels`, 'SWY_EVENT_TOO_DEEP');
      return { kind: 'none' };
    }
    try {
      return { kind: 'json', value: JSON.parse(text) as JsonValue, text };
    } catch (e) {
      report(out, 'body', `Content-Type declares JSON but the body is not valid JSON: ${(e as Error).message}`, 'SWY_EVENT_MALFORMED_JSON');
      return { kind: 'none' };
    }
  }
  if (isTextMediaType(mt) && isUtf8Charset(mt)) {
    const text = decodeUtf8(body);
    if (text !== undefined) return { kind: 'text', text };
  }
  return { kind: 'binary', bytes: copy(body) };
}

/** The caller's buffer may be pooled or reused; the event owns its bytes. */
function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}
