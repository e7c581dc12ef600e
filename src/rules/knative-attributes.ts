/**
 * A Knative Trigger's legacy filter, `filter.attributes` (Knative Eventing spec, Trigger
 * `attributes`): a map of context attribute names to values. An event matches when, for every
 * key, the event has that attribute and — unless the value is the empty string, which matches
 * any value — its String form equals the value exactly (case-sensitive). An empty map matches
 * every event, as a Trigger without a filter does.
 */
import { SwitchyardError, type Violation } from '../core/index.js';
import { attributeString } from './subscriptions/attribute-string.js';

/** CloudEvents attribute naming: lower-case ASCII letters and digits (not `data`). */
const ATTRIBUTE_NAME = /^[a-z0-9]{1,64}$/;
/** More keys than a CloudEvent may carry attributes is a mistake, not a filter. */
export const MAX_ATTRIBUTE_KEYS = 128;

export type AttributesPredicate = (event: Readonly<Record<string, unknown>>) => boolean;

/** Validates `attributes` (violations under `path`) and compiles it; throws SWY_RULES_INVALID_FILTER. */
export function compileKnativeAttributes(attributes: unknown, path = '/attributes'): AttributesPredicate {
  const violations: Violation[] = [];
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    violations.push({ path, reason: 'attributes must map attribute names to string values' });
  } else {
    const entries = Object.entries(attributes);
    if (entries.length > MAX_ATTRIBUTE_KEYS) violations.push({ path, reason: `more than ${MAX_ATTRIBUTE_KEYS} attributes` });
    for (const [name, value] of entries.slice(0, MAX_ATTRIBUTE_KEYS)) {
      const at = `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!ATTRIBUTE_NAME.test(name) || name === 'data') violations.push({ path: at, reason: 'not a context attribute name (lower-case letters and digits; nested attributes and data are not supported)' });
      if (typeof value !== 'string') violations.push({ path: at, reason: 'the value must be a string ("" matches any value)' });
    }
  }
  if (violations.length > 0) throw new SwitchyardError('SWY_RULES_INVALID_FILTER', `invalid attributes filter (${violations.length} problem(s))`, { violations });
  const conditions = Object.entries(attributes as Record<string, string>);
  return (event) => {
    for (const [name, want] of conditions) {
      const got = attributeString(event, name);
      if (got === undefined || (want !== '' && got !== want)) return false;
    }
    return true;
  };
}
