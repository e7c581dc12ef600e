// Public surface of src/rules (DESIGN.md §3): filter languages compiled into one matcher per bus.

// Event patterns (docs/patterns.md) and the unified matcher.
export { RuleMatcher, Snapshot } from './matcher.js';
export { compileFilter, type Filter, type CompiledFilter, type FilterOptions } from './filter.js';
export { testPattern, type PatternTestResult, type PatternTestInput, type MismatchReason } from './test-pattern.js';
export { compilePattern, compilePatternText } from './pattern/parse.js';
export { DEFAULT_PATTERN_LIMITS, type PatternLimits } from './pattern/limits.js';
export { parseJsonLossless, JsonTextError, type LosslessJson } from './pattern/json-text.js';
export { RawNumber } from './pattern/raw-number.js';
export type { CompiledPattern, Alternative, Condition, ValueMatcher, Exclusion } from './pattern/types.js';
export { referenceMatch } from './reference.js';
export { flattenEvent, type EventLeaves } from './event/flatten.js';
export { awsEnvelopeOf, AWS_EXTENSIONS } from './aws-envelope.js';

// CESQL and CloudEvents Subscriptions API filters (src/rules/cesql, src/rules/subscriptions).
export * from './cesql/index.js';
export * from './subscriptions/index.js';
