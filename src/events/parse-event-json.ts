import { isJsonObject, type Violation } from '../core/index.js';
import { eventFromObject } from './event-object.js';
import { scanJson, valueDepth } from './json-scan.js';
import { DEFAULT_MAX_DEPTH, UNBOUNDED_LIMITS, type ResolvedLimits } from './limits.js';
import type { CloudEvent } from './types.js';

export type ParseEventResult = { readonly ok: true; readonly event: CloudEvent } | { readonly ok: false; readonly violations: Violation[] };

export interface ParseEventOptions {
  /**
   * The exact JSON text `value` was parsed from. When given, `data` keeps that text
   * (9007199254740993 stays exact) and Integer extensions are checked as written.
   */
  readonly text?: string;
  /** JSON pointer prefix for violation paths (e.g. `/entries/3`). Default ''. */
  readonly path?: string;
  /** Limits: size in bytes (see eventSize), nesting depth (default 64), extension count. */
  readonly maxEventBytes?: number;
  readonly maxDepth?: number;
  readonly maxExtensions?: number;
}

/**
 * Validates one event given as an already-parsed JSON object (e.g. a PutEvents entry) and builds
 * the CloudEvent; returns every violation instead of throwing.
 *
 * @example
 * const r = parseEventJson({ specversion: '1.0', id: '1', source: '/s', type: 't' });
 * if (!r.ok) throw invalid(r.violations);
 */
export function parseEventJson(value: unknown, opts: ParseEventOptions = {}): ParseEventResult {
  const path = opts.path ?? '';
  const limits: ResolvedLimits = {
    ...UNBOUNDED_LIMITS,
    ...(opts.maxEventBytes === undefined ? {} : { maxEventBytes: opts.maxEventBytes }),
    ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }),
    ...(opts.maxExtensions === undefined ? {} : { maxExtensions: opts.maxExtensions }),
  };
  if (!isJsonObject(value)) return { ok: false, violations: [{ path, reason: 'an event must be a JSON object' }] };
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (valueDepth(value, maxDepth) > maxDepth) {
    return { ok: false, violations: [{ path, reason: `JSON nested deeper than ${maxDepth} levels`, code: 'SWY_EVENT_TOO_DEEP' }] };
  }
  const out: Violation[] = [];
  let node;
  if (opts.text !== undefined) {
    const scan = scanJson(opts.text, { maxDepth: Number.MAX_SAFE_INTEGER, recordDepth: 2 });
    if (scan.ok && scan.root?.kind === 'object') node = scan.root;
  }
  const ev = eventFromObject(value, { path, limits, ...(node === undefined || opts.text === undefined ? {} : { node, text: opts.text }) }, out);
  return ev === undefined ? { ok: false, violations: out } : { ok: true, event: ev };
}
