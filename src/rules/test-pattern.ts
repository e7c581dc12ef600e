/**
 * "Does this event match this filter, and why not?" (POST /v1/patterns/test, DESIGN.md section 8).
 * Event patterns are explained by the reference evaluator: for no match it reports the first
 * failing condition of the alternative that got furthest. CESQL and subscription filters can
 * only answer yes or no; their reason names the whole filter.
 */
import { SwitchyardError } from '../core/index.js';
import { flattenEvent, type EventLeaves } from './event/flatten.js';
import { awsEnvelopeOf } from './aws-envelope.js';
import { compileFilter, type FilterOptions } from './filter.js';
import { JsonTextError, parseJsonLossless } from './pattern/json-text.js';
import { referenceFailure } from './reference.js';
import type { CompiledPattern, Condition, LeafValue } from './pattern/types.js';

/** Why an event does not match: where, which operator, what the pattern wanted, what was there. */
export interface MismatchReason {
  /** Dotted field path of the failing condition ('' for a whole CESQL/subscription filter). */
  readonly path: string;
  /** The condition's operator(s), e.g. "exact", "prefix", "numeric", or "prefix|exact". */
  readonly operator: string;
  /** The pattern's value for the field as written (or the CESQL text / subscription filters). */
  readonly expected: unknown;
  /** The event's value(s) at the path; absent when the field is missing. */
  readonly actual?: unknown;
}

export type PatternTestResult = { readonly match: true } | { readonly match: false; readonly reason: MismatchReason };

/** The event to test: parsed JSON, or raw JSON text (number literals then keep their text). */
export type PatternTestInput = { readonly event: unknown } | { readonly eventText: string };

function leafJson(v: LeafValue): unknown {
  if (typeof v === 'object' && v !== null) return v.exact ? v.value : v.text;
  return v;
}

function operatorOf(c: Condition): string {
  const ops = [...new Set(c.matchers.map((m) => (m.op.startsWith('exact') ? 'exact' : m.op)))];
  return ops.join('|');
}

function eventOf(input: PatternTestInput): unknown {
  if ('eventText' in input) {
    try {
      return parseJsonLossless(input.eventText);
    } catch (e) {
      if (!(e instanceof JsonTextError)) throw e;
      throw new SwitchyardError('SWY_RULES_INVALID_EVENT_TEXT', `eventText is not valid JSON: ${e.message}`, {
        violations: [{ path: '/eventText', reason: e.message }],
      });
    }
  }
  return input.event;
}

/**
 * Tests one filter against one event. Throws SwitchyardError for an invalid filter or text.
 * @example
 * testPattern({ pattern: { source: ['a'] } }, { event: { source: 'b' } });
 * // { match: false, reason: { path: 'source', operator: 'exact', expected: ['a'], actual: 'b' } }
 */
export function testPattern(filter: unknown, input: PatternTestInput, options: FilterOptions = {}): PatternTestResult {
  const compiled = compileFilter(filter, options);
  const event = eventOf(input);
  if (compiled.type === 'predicate' && compiled.dialect === 'aws') {
    const isObj = typeof event === 'object' && event !== null && !Array.isArray(event);
    return explain(compiled.pattern, flattenEvent(isObj ? awsEnvelopeOf(event as Record<string, unknown>) : event));
  }
  if (compiled.type === 'predicate') {
    const isObj = typeof event === 'object' && event !== null && !Array.isArray(event);
    if (isObj && compiled.evaluate(event as Record<string, unknown>)) return { match: true };
    const f = filter as { sql?: unknown; filters?: unknown; attributes?: unknown };
    return { match: false, reason: { path: '', operator: compiled.dialect, expected: f.sql ?? f.filters ?? f.attributes } };
  }
  return explain(compiled.pattern, flattenEvent(event));
}

function explain(pattern: CompiledPattern, leaves: EventLeaves): PatternTestResult {
  const failing = referenceFailure(pattern, leaves);
  if (failing === undefined) return { match: true };
  const values = (leaves.get(failing.path) ?? []).map((l) => leafJson(l.value));
  const reason: MismatchReason = { path: failing.path, operator: operatorOf(failing), expected: failing.expected };
  if (values.length === 0) return { match: false, reason };
  return { match: false, reason: { ...reason, actual: values.length === 1 ? values[0] : values } };
}
