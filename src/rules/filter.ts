/**
 * A rule filter F (DESIGN.md section 8): an event pattern (`pattern`, or `patternText` as raw
 * JSON text), CloudEvents Subscriptions API filters (`filters`), a CESQL expression (`sql`) or
 * a Knative Trigger's legacy exact-match map (`attributes`, knative-attributes.ts).
 * A pattern may name the envelope it reads: `envelope: "aws"` matches it against the AWS
 * EventBridge view of the event (aws-envelope.ts) instead of the CloudEvent's JSON form.
 * compileFilter validates F and returns the tagged compiled form the matcher stores.
 */
import { SwitchyardError } from '../core/index.js';
import { compileCesql } from './cesql/index.js';
import { compileSubscriptionFilters } from './subscriptions/index.js';
import { compilePattern, compilePatternText } from './pattern/parse.js';
import { DEFAULT_PATTERN_LIMITS, type PatternLimits } from './pattern/limits.js';
import type { CompiledPattern } from './pattern/types.js';
import { awsEnvelopeOf } from './aws-envelope.js';
import { flattenEvent } from './event/flatten.js';
import { referenceMatch } from './reference.js';
import { compileKnativeAttributes } from './knative-attributes.js';

/** A rule filter as given by a client. */
export type Filter =
  | { readonly pattern: unknown; readonly envelope?: 'aws' }
  | { readonly patternText: string; readonly envelope?: 'aws' }
  | { readonly filters: readonly unknown[] }
  | { readonly sql: string }
  | { readonly attributes: Readonly<Record<string, string>> };

/** A validated filter. Non-pattern filters evaluate the event's JSON form as a whole. */
export type CompiledFilter =
  | { readonly type: 'pattern'; readonly pattern: CompiledPattern }
  | { readonly type: 'predicate'; readonly dialect: 'filters' | 'sql' | 'attributes'; readonly evaluate: (event: Readonly<Record<string, unknown>>) => boolean }
  | { readonly type: 'predicate'; readonly dialect: 'aws'; readonly pattern: CompiledPattern; readonly evaluate: (event: Readonly<Record<string, unknown>>) => boolean };

export interface FilterOptions {
  readonly limits?: PatternLimits;
}

const KEYS = ['pattern', 'patternText', 'filters', 'sql', 'attributes'] as const;

/** Validates and compiles a filter; throws SwitchyardError (SWY_RULES_INVALID_FILTER or the language's code). */
export function compileFilter(filter: unknown, options: FilterOptions = {}): CompiledFilter {
  const limits = options.limits ?? DEFAULT_PATTERN_LIMITS;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new SwitchyardError('SWY_RULES_INVALID_FILTER', 'a filter must be an object', { violations: [{ path: '', reason: 'not an object' }] });
  }
  const { envelope, ...f } = filter as Record<string, unknown>;
  const present = KEYS.filter((k) => f[k] !== undefined);
  const extra = Object.keys(f).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (envelope !== undefined) {
    const pattern = present.length === 1 && extra.length === 0 && (present[0] === 'pattern' || present[0] === 'patternText');
    if (envelope !== 'aws' || !pattern) {
      throw new SwitchyardError('SWY_RULES_INVALID_FILTER', 'envelope applies to an event pattern and must be "aws"', {
        violations: [{ path: '/envelope', reason: envelope !== 'aws' ? 'must be "aws"' : 'only with pattern or patternText' }],
      });
    }
    const compiled = compileFilter(f, options);
    if (compiled.type !== 'pattern') throw new Error('unreachable: a pattern compiles to a pattern');
    const p = compiled.pattern;
    return { type: 'predicate', dialect: 'aws', pattern: p, evaluate: (e) => referenceMatch(p, flattenEvent(awsEnvelopeOf(e))) };
  }
  if (present.length !== 1 || extra.length > 0) {
    throw new SwitchyardError('SWY_RULES_INVALID_FILTER', `a filter has exactly one of ${KEYS.join(', ')}`, {
      violations: [
        ...(present.length !== 1 ? [{ path: '', reason: `expected exactly one of ${KEYS.join(', ')}, got ${present.length}` }] : []),
        ...extra.map((k) => ({ path: `/${k}`, reason: 'unknown filter key' })),
      ],
    });
  }
  switch (present[0]!) {
    case 'pattern':
      return { type: 'pattern', pattern: compilePattern(f.pattern, limits) };
    case 'patternText':
      if (typeof f.patternText !== 'string') {
        throw new SwitchyardError('SWY_RULES_INVALID_FILTER', 'patternText must be a string', { violations: [{ path: '/patternText', reason: 'not a string' }] });
      }
      return { type: 'pattern', pattern: compilePatternText(f.patternText, limits) };
    case 'filters': {
      const set = compileSubscriptionFilters(f.filters);
      return { type: 'predicate', dialect: 'filters', evaluate: (e) => set.evaluate(e) };
    }
    case 'sql': {
      if (typeof f.sql !== 'string') {
        throw new SwitchyardError('SWY_RULES_INVALID_FILTER', 'sql must be a string', { violations: [{ path: '/sql', reason: 'not a string' }] });
      }
      const expr = compileCesql(f.sql, { path: '/sql' });
      return { type: 'predicate', dialect: 'sql', evaluate: (e) => expr.matches(e) };
    }
    case 'attributes':
      return { type: 'predicate', dialect: 'attributes', evaluate: compileKnativeAttributes(f.attributes) };
  }
}
