import { SwitchyardError, isJsonObject, type Violation } from '../core/index.js';
import { eventFromObject } from './event-object.js';
import { scanJson, type JsonNode } from './json-scan.js';
import type { ResolvedLimits } from './limits.js';
import type { CloudEvent } from './types.js';
import { invalid } from './violations.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 strictly (overlong forms, encoded surrogates and truncations are refused). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Scans then parses a JSON text: the depth limit is enforced by the linear scan before
 * `JSON.parse` runs, so deep nesting can neither overflow a stack nor cost more than one pass.
 * `levels` is how many levels of ranges to record (2 for an event, 3 for a batch).
 */
export function parseJsonText(text: string, maxDepth: number, levels: number): { value: unknown; root: JsonNode | undefined } {
  const scan = scanJson(text, { maxDepth, recordDepth: levels });
  if (!scan.ok) {
    throw new SwitchyardError('SWY_EVENT_TOO_DEEP', `JSON nested deeper than ${maxDepth - (levels - 2)} levels (at offset ${scan.offset})`);
  }
  try {
    return { value: JSON.parse(text) as unknown, root: scan.root };
  } catch (e) {
    throw new SwitchyardError('SWY_EVENT_MALFORMED_JSON', `body is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Decodes the body of a structured-mode request (`application/cloudevents+json`). */
export function decodeStructuredBody(body: Uint8Array, limits: ResolvedLimits): CloudEvent {
  const text = decodeUtf8(body);
  if (text === undefined) throw new SwitchyardError('SWY_EVENT_INVALID_UTF8', 'body is not valid UTF-8');
  const { value, root } = parseJsonText(text, limits.maxDepth, 2);
  if (!isJsonObject(value)) {
    throw invalid([{ path: '', reason: 'a structured-mode body must be a JSON object (the event)' }]);
  }
  const out: Violation[] = [];
  const ev = eventFromObject(value, { path: '', text, ...(root === undefined ? {} : { node: root }), limits }, out);
  if (ev === undefined) throw invalid(out);
  return ev;
}

/**
 * Decodes the body of a batch-mode request (`application/cloudevents-batch+json`): a JSON array
 * of events in the JSON format. All violations of all events are reported together, with paths
 * prefixed by the element index (`/2/time`).
 */
export function decodeBatchBody(body: Uint8Array, limits: ResolvedLimits): CloudEvent[] {
  const text = decodeUtf8(body);
  if (text === undefined) throw new SwitchyardError('SWY_EVENT_INVALID_UTF8', 'body is not valid UTF-8');
  // The batch array is one level above the events, so the document may be one level deeper.
  const { value, root } = parseJsonText(text, limits.maxDepth + 1, 3);
  if (!Array.isArray(value)) throw new SwitchyardError('SWY_EVENT_BATCH_NOT_ARRAY', 'a batch body must be a JSON array of events');
  if (value.length === 0 && !limits.allowEmptyBatch) throw new SwitchyardError('SWY_EVENT_BATCH_EMPTY', 'the batch holds no events');
  if (value.length > limits.maxBatchEvents) {
    throw new SwitchyardError('SWY_EVENT_BATCH_TOO_MANY', `the batch holds ${value.length} events, over the limit of ${limits.maxBatchEvents}`);
  }
  const out: Violation[] = [];
  const events: CloudEvent[] = [];
  const nodes = root?.elements;
  value.forEach((item: unknown, i) => {
    const path = `/${i}`;
    if (!isJsonObject(item)) {
      out.push({ path, reason: 'each batch element must be a JSON object (an event)' });
      return;
    }
    const node = nodes?.[i];
    const ev = eventFromObject(item, { path, text, ...(node === undefined ? {} : { node }), limits }, out);
    if (ev !== undefined) events.push(ev);
  });
  if (out.length > 0) throw invalid(out);
  return events;
}
