import { SwitchyardError } from '../core/index.js';
import { RuleMatcher } from '../rules/index.js';

/** A compiled filter that answers one question: does this event (JSON text) match? */
export interface CompiledMatcherLike {
  matches(eventText: string): boolean;
}

/**
 * Compiles the `pattern` query parameter (an event pattern as JSON text, docs/patterns.md) with
 * the rules engine, so search and tail match exactly as rules do. Throws SWY_OBSERVE_INVALID_PATTERN
 * (400) naming `param` when the text is not a valid pattern.
 */
export function compilePatternParam(text: string, param = 'pattern'): CompiledMatcherLike {
  const m = new RuleMatcher();
  try {
    m.add('q', { patternText: text });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const inner = e instanceof SwitchyardError && e.violations.length > 0
      ? e.violations.map((v) => ({ path: `/querystring/${param}${v.path.startsWith('/') ? v.path : `/${v.path}`}`, reason: v.reason }))
      : [{ path: `/querystring/${param}`, reason }];
    throw new SwitchyardError('SWY_OBSERVE_INVALID_PATTERN', `${param} is not a valid event pattern: ${reason}`, { violations: inner, cause: e });
  }
  return { matches: (eventText) => m.matchText(eventText).length > 0 };
}
